/**
 * Scheduled: every registered cluster's EMQX statuses, clusters in parallel, each within its own deadline (a
 * hanging cluster fails alone and does not delay the others; the next runs start it after the others). Fleet
 * health goes out as metrics without a cluster dimension (how many clusters are unreachable, stale, failing), and
 * each cluster behind a count as one finding log line. The connection autoscaler runs here too, on the CRs that
 * opted in; its samples live as long as the Lambda container.
 */
import { KubeHttp } from "@emqx-reconciler/adapters";
import { clusterConnection } from "@emqx-reconciler/adapters/aws";
import {
  AutoscaleMemory,
  kubeScalePort,
  mapBounded,
  RebalanceCrdMemory,
  refreshStatus,
} from "@emqx-reconciler/runtime";
import { clusterDeps } from "./clusters.ts";
import { withinDeadline } from "./deadline.ts";
import { type ClusterRefresh, fleetHealth } from "./fleetHealth.ts";
import { count, fleetGauge, latency, logFinding, logger, withObservability } from "./observability.ts";
import { clusterClients, registry, shared } from "./shared.ts";
import { SlowClusters, slowLast } from "./slowClusters.ts";

const memories = new Map<string, AutoscaleMemory>();
/** Per cluster: whether its Rebalance CRD was missing lately (no list per run while it stays missing). */
const rebalanceCrds = new Map<string, RebalanceCrdMemory>();
/** Clusters that failed or missed their deadline lately: refreshed after the others, so they cannot take their slots. */
const slowClusters = new SlowClusters(10 * 60_000);

function rebalanceCrdOf(cluster: string): RebalanceCrdMemory {
  const memory = rebalanceCrds.get(cluster) ?? new RebalanceCrdMemory();
  rebalanceCrds.set(cluster, memory);
  return memory;
}

function memoryOf(cluster: string): AutoscaleMemory {
  const memory = memories.get(cluster) ?? new AutoscaleMemory();
  memories.set(cluster, memory);
  return memory;
}

/** Kept free before Lambda's timeout: middy's early timeout (2 s) plus the metrics and log lines at the end. */
const ANSWER_MARGIN_MS = 5000;

export const handler = withObservability().handler(async (_event, context) => {
  const started = performance.now();
  const { config } = shared();
  const clusters = slowLast(await (await registry()).list(), slowClusters, Date.now());
  // A cluster waiting for a free slot gets only what is left of the invocation, so the answer always comes in time.
  const stopAt = Date.now() + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
  const results = await mapBounded(clusters, config.clusterConcurrency, (entry) =>
    withinDeadline(Math.max(0, Math.min(config.clusterDeadlineMs, stopAt - Date.now())), async () => {
      const http = new KubeHttp(await clusterConnection(entry, await clusterClients()));
      const autoscale = { scale: kubeScalePort(http), memory: memoryOf(entry.id) };
      const deps = {
        ...(await clusterDeps(entry, {})),
        autoscale,
        rebalance: true,
        rebalanceCrd: rebalanceCrdOf(entry.id),
      };
      return refreshStatus(deps, entry.id).finally(() => http.close());
    }),
  );
  const refreshes: ClusterRefresh[] = results.map((result, i) => {
    const cluster = clusters[i]?.id ?? "";
    if (result.status === "rejected") {
      slowClusters.missed(cluster, config.clusterDeadlineMs, Date.now());
      return { cluster, ok: false, error: (result.reason as Error)?.message ?? String(result.reason) };
    }
    slowClusters.answered(cluster);
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
