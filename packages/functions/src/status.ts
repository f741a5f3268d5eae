/** Scheduled: every registered cluster's EMQX statuses, clusters in parallel; health per cluster as a metric. */
import { mapBounded, refreshStatus } from "@emqx-reconciler/runtime";
import { clusterDeps } from "./clusters.ts";
import { withinDeadline } from "./deadline.ts";
import { clusterMetric, count, logger, withObservability } from "./observability.ts";
import { shared } from "./shared.ts";

export const handler = withObservability().handler(async () => {
  const { registry, config } = shared();
  const clusters = await registry.list();
  const results = await mapBounded(clusters, config.clusterConcurrency, (entry) =>
    withinDeadline(config.clusterDeadlineMs, async () => {
      const result = await refreshStatus(await clusterDeps(entry, {}), entry.id);
      count("StatusPatched", result.patched);
      clusterMetric(entry.id, "StatusCrFailures", result.failed);
    }),
  );
  results.forEach((result, i) => {
    const cluster = clusters[i]?.id ?? "";
    clusterMetric(cluster, "ClusterHealthy", result.status === "rejected" ? 0 : 1);
    if (result.status === "rejected")
      logger.warn("Failed to refresh a cluster", { cluster, error: (result.reason as Error).message });
  });
  const failed = results.filter((r) => r.status === "rejected").length;
  logger.info("Refreshed statuses", { clusters: clusters.length, failed });
  return { clusters: clusters.length, failed };
});
