/**
 * Scheduled: every registered cluster's EMQX statuses, clusters in parallel. Fleet health goes out as metrics
 * without a cluster dimension (how many clusters are unreachable, stale, failing), and each cluster behind a
 * count as one finding log line. The connection autoscaler runs here too, on the CRs that opted in; its samples
 * live as long as the Lambda container.
 */
import { KubeHttp } from "@emqx-reconciler/adapters";
import { clusterConnection } from "@emqx-reconciler/adapters/aws";
import { AutoscaleMemory, kubeScalePort, mapBounded, refreshStatus } from "@emqx-reconciler/runtime";
import { clusterDeps } from "./clusters.ts";
import { withinDeadline } from "./deadline.ts";
import { type ClusterRefresh, fleetHealth } from "./fleetHealth.ts";
import { count, fleetGauge, latency, logFinding, logger, withObservability } from "./observability.ts";
import { shared } from "./shared.ts";

const memories = new Map<string, AutoscaleMemory>();

function memoryOf(cluster: string): AutoscaleMemory {
  const memory = memories.get(cluster) ?? new AutoscaleMemory();
  memories.set(cluster, memory);
  return memory;
}

export const handler = withObservability().handler(async () => {
  const started = performance.now();
  const { registry, config } = shared();
  const clusters = await registry.list();
  const results = await mapBounded(clusters, config.clusterConcurrency, (entry) =>
    withinDeadline(config.clusterDeadlineMs, async () => {
      const http = new KubeHttp(await clusterConnection(entry, shared().clients));
      const autoscale = { scale: kubeScalePort(http), memory: memoryOf(entry.id) };
      const deps = { ...(await clusterDeps(entry, {})), autoscale, rebalance: true };
      return refreshStatus(deps, entry.id).finally(() => http.close());
    }),
  );
  const refreshes: ClusterRefresh[] = results.map((result, i) => {
    const cluster = clusters[i]?.id ?? "";
    if (result.status === "rejected")
      return { cluster, ok: false, error: (result.reason as Error)?.message ?? String(result.reason) };
    count("StatusPatched", result.value.patched);
    return { cluster, ok: true, attention: result.value.attention };
  });
  const health = fleetHealth(refreshes);
  for (const name of Object.keys(health.counts) as Array<keyof typeof health.counts>)
    fleetGauge(name, health.counts[name]);
  for (const finding of health.findings) logFinding(finding);
  latency("StatusRunDuration", performance.now() - started);
  const failed = health.counts.ClustersUnreachable;
  logger.info("Refreshed statuses", { clusters: clusters.length, failed });
  return { clusters: clusters.length, failed };
});
