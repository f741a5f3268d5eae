/**
 * Scheduled: every registered cluster's EMQX statuses, clusters in parallel; health per cluster as a metric. The
 * connection autoscaler runs here too, on the CRs that opted in; its samples live as long as the Lambda container.
 */
import { KubeHttp } from "@emqx-reconciler/adapters";
import { clusterConnection } from "@emqx-reconciler/adapters/aws";
import { AutoscaleMemory, kubeScalePort, mapBounded, refreshStatus } from "@emqx-reconciler/runtime";
import { clusterDeps } from "./clusters.ts";
import { withinDeadline } from "./deadline.ts";
import { clusterMetric, count, logger, withObservability } from "./observability.ts";
import { clusterClients, registry, shared } from "./shared.ts";

const memories = new Map<string, AutoscaleMemory>();

function memoryOf(cluster: string): AutoscaleMemory {
  const memory = memories.get(cluster) ?? new AutoscaleMemory();
  memories.set(cluster, memory);
  return memory;
}

export const handler = withObservability().handler(async () => {
  const { config } = shared();
  const clusters = await (await registry()).list();
  const results = await mapBounded(clusters, config.clusterConcurrency, (entry) =>
    withinDeadline(config.clusterDeadlineMs, async () => {
      const http = new KubeHttp(await clusterConnection(entry, await clusterClients()));
      const autoscale = { scale: kubeScalePort(http), memory: memoryOf(entry.id) };
      const deps = { ...(await clusterDeps(entry, {})), autoscale, rebalance: true };
      const result = await refreshStatus(deps, entry.id).finally(() => http.close());
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
