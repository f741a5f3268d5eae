/**
 * Scheduled: every registered cluster's EMQX statuses, clusters in parallel, each within its own deadline (a
 * hanging cluster fails alone and does not delay the others; the next runs start it after the others); health per
 * cluster as a metric. The
 * connection autoscaler runs here too, on the CRs that opted in; its samples live as long as the Lambda container.
 */
import { KubeHttp } from "@emqx-reconciler/adapters";
import { clusterConnection } from "@emqx-reconciler/adapters/aws";
import { AutoscaleMemory, kubeScalePort, mapBounded, refreshStatus } from "@emqx-reconciler/runtime";
import { clusterDeps } from "./clusters.ts";
import { withinDeadline } from "./deadline.ts";
import { clusterMetric, count, logger, withObservability } from "./observability.ts";
import { clusterClients, registry, shared } from "./shared.ts";
import { SlowClusters, slowLast } from "./slowClusters.ts";

const memories = new Map<string, AutoscaleMemory>();
/** Clusters that failed or missed their deadline lately: refreshed after the others, so they cannot take their slots. */
const slowClusters = new SlowClusters(10 * 60_000);

function memoryOf(cluster: string): AutoscaleMemory {
  const memory = memories.get(cluster) ?? new AutoscaleMemory();
  memories.set(cluster, memory);
  return memory;
}

/** Kept free before Lambda's timeout: middy's early timeout (2 s) plus the metrics and log lines at the end. */
const ANSWER_MARGIN_MS = 5000;

export const handler = withObservability().handler(async (_event, context) => {
  const { config } = shared();
  const clusters = slowLast(await (await registry()).list(), slowClusters, Date.now());
  // A cluster waiting for a free slot gets only what is left of the invocation, so the answer always comes in time.
  const stopAt = Date.now() + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
  const results = await mapBounded(clusters, config.clusterConcurrency, (entry) =>
    withinDeadline(Math.max(0, Math.min(config.clusterDeadlineMs, stopAt - Date.now())), async () => {
      const http = new KubeHttp(await clusterConnection(entry, await clusterClients()));
      const autoscale = { scale: kubeScalePort(http), memory: memoryOf(entry.id) };
      const deps = { ...(await clusterDeps(entry, {})), autoscale, rebalance: true };
      const result = await refreshStatus(deps, entry.id).finally(() => http.close());
      count("StatusPatched", result.patched);
      clusterMetric(entry.id, "StatusCrFailures", result.failed);
    }),
  );
  for (const [i, result] of results.entries()) {
    const cluster = clusters[i]?.id ?? "";
    clusterMetric(cluster, "ClusterHealthy", result.status === "rejected" ? 0 : 1);
    if (result.status === "fulfilled") {
      slowClusters.answered(cluster);
      continue;
    }
    slowClusters.missed(cluster, config.clusterDeadlineMs, Date.now());
    logger.warn("Failed to refresh a cluster", { cluster, error: (result.reason as Error).message });
  }
  const failed = results.filter((r) => r.status === "rejected").length;
  logger.info("Refreshed statuses", { clusters: clusters.length, failed });
  return { clusters: clusters.length, failed };
});
