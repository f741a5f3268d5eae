/** Scheduled: every registered cluster's EMQX statuses, clusters in parallel; health per cluster as a metric. */
import { refreshStatus } from "@emqx-reconciler/runtime";
import { clusterDeps } from "./clusters.ts";
import { clusterMetric, count, logger, observed } from "./observability.ts";
import { forEachBounded } from "./pool.ts";
import { shared } from "./shared.ts";

export const handler = observed().handler(async () => {
  const { registry, config } = shared();
  const clusters = await registry.list();
  const results = await forEachBounded(
    clusters,
    config.clusterConcurrency,
    config.clusterDeadlineMs,
    async (entry) => {
      const result = await refreshStatus(await clusterDeps(entry, {}), entry.id);
      count("StatusPatched", result.patched);
      clusterMetric(entry.id, "StatusCrFailures", result.failed);
    },
  );
  for (const { item, error } of results) {
    clusterMetric(item.id, "ClusterHealthy", error ? 0 : 1);
    if (error)
      logger.warn("Failed to refresh a cluster", { cluster: item.id, error: (error as Error).message });
  }
  const failed = results.filter((r) => r.error).length;
  logger.info("Refreshed statuses", { clusters: clusters.length, failed });
  return { clusters: clusters.length, failed };
});
