/**
 * From one status run's per-cluster results to the fleet metrics and the findings that name the clusters behind
 * them. Pure: the status handler emits the counts as metrics and logs each finding.
 */

import { ConditionType } from "@emqx-reconciler/api";
import type { CrAttention } from "@emqx-reconciler/runtime";
import { FleetMetric } from "./metricCatalog.ts";
import type { Finding } from "./observability.ts";

/** One cluster's status refresh: the CRs needing attention, or why the cluster could not be refreshed at all. */
export type ClusterRefresh =
  | { cluster: string; ok: true; attention: readonly CrAttention[] }
  | { cluster: string; ok: false; error: string };

/** The fleet metrics of one status run and the findings behind them. */
export interface FleetHealth {
  counts: Record<
    | typeof FleetMetric.ClustersRefreshed
    | typeof FleetMetric.ClustersUnreachable
    | typeof FleetMetric.ClustersStatusStale
    | typeof FleetMetric.ClustersReconcileFailing,
    number
  >;
  /** One per unreachable cluster and one per CR in attention, in cluster order. */
  findings: Finding[];
}

const SIGNAL_OF_CONDITION = {
  [ConditionType.NodeStatusStale]: FleetMetric.ClustersStatusStale,
  [ConditionType.ReconcileFailed]: FleetMetric.ClustersReconcileFailing,
} as const;

/**
 * Counts clusters, not CRs: a cluster with three stale CRs counts once in `ClustersStatusStale` and gives three
 * findings.
 *
 * @example fleetHealth([{ cluster: "eu", ok: false, error: "401" }]).counts.ClustersUnreachable // 1
 */
export function fleetHealth(refreshes: readonly ClusterRefresh[]): FleetHealth {
  const findings: Finding[] = [];
  const clustersBySignal = new Map<string, Set<string>>();
  for (const refresh of refreshes) {
    const { cluster } = refresh;
    const signals = refresh.ok
      ? refresh.attention.map((a) => ({
          signal: SIGNAL_OF_CONDITION[a.condition],
          cluster,
          namespace: a.namespace,
          name: a.name,
          reason: a.reason,
        }))
      : [{ signal: FleetMetric.ClustersUnreachable, cluster, reason: refresh.error }];
    for (const finding of signals) {
      findings.push(finding);
      const set = clustersBySignal.get(finding.signal) ?? new Set<string>();
      set.add(cluster);
      clustersBySignal.set(finding.signal, set);
    }
  }
  const clusters = (signal: string) => clustersBySignal.get(signal)?.size ?? 0;
  return {
    counts: {
      ClustersRefreshed: refreshes.length,
      ClustersUnreachable: clusters(FleetMetric.ClustersUnreachable),
      ClustersStatusStale: clusters(FleetMetric.ClustersStatusStale),
      ClustersReconcileFailing: clusters(FleetMetric.ClustersReconcileFailing),
    },
    findings,
  };
}
