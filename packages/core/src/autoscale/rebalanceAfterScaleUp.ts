/**
 * The autoscaler's opt-in follow-up of a scale-up: once the replicants it added are Ready, one `Rebalance` moves
 * existing clients onto them (a new replicant otherwise starts empty and stays so until clients reconnect).
 * Pure: which Rebalance to create for the last decision, and which old ones to delete.
 */
import {
  API_VERSION,
  LABEL_AUTOSCALE_REBALANCE_FOR,
  REBALANCE_KIND,
  RebalanceStrategySchema,
} from "@emqx-reconciler/api";
import type { AutoscaleDecisionRecord } from "./decide.ts";

/** How many Rebalances the autoscaler keeps per CR; older finished ones are deleted. */
export const AUTOSCALE_REBALANCES_KEPT = 3;

/** One Rebalance the autoscaler created earlier for this CR. */
export interface AutoscaleRebalance {
  name: string;
  /** `status.phase`: `Processing`, `Completed`, `Failed`, or absent before its first pass. */
  phase?: string | undefined;
}

/** Everything the follow-up depends on. */
export interface RebalanceAfterScaleUpInput {
  /** The EMQX CR's name. */
  name: string;
  /** `autoscale.apps.emqx.io/rebalance-after-scale-up: "true"`. */
  enabled: boolean;
  /** The autoscaler's last decision (its annotation). */
  last?: AutoscaleDecisionRecord | undefined;
  /** Whether the CR's printed state is `Ready`. */
  ready: boolean;
  /** `status.replicantNodesStatus.readyReplicas`. */
  readyReplicants: number;
  /** The cluster's EMQX edition (`status.coreNodes[0].edition`). */
  edition?: string | undefined;
  /** The Rebalances the autoscaler created for this CR, any order. */
  existing: readonly AutoscaleRebalance[];
}

/** What to do: create the Rebalance named so (absent: none), delete these. */
export interface RebalanceAfterScaleUpPlan {
  create?: string;
  delete: string[];
}

/** The Rebalance of one scale-up decision: `<name>-scale-up-<decision time in epoch seconds>`. */
export function scaleUpRebalanceName(name: string, last: AutoscaleDecisionRecord): string {
  return `${name}-scale-up-${Math.floor(last.at / 1000)}`;
}

/**
 * Plans the follow-up: a Rebalance for the last decision when it was a scale-up, the CR is Ready with at least
 * that many replicants ready, the build is EMQX Enterprise (open-source has no `load_rebalance`, so none is
 * requested) and none exists for it yet; and the deletion of finished ones beyond the newest
 * {@link AUTOSCALE_REBALANCES_KEPT} (a `Processing` one is never deleted).
 *
 * @example planRebalanceAfterScaleUp({ name: "emqx", enabled: true, last: { at: 1_700_000_000_000, from: 3, to: 4 }, ready: true, readyReplicants: 4, edition: "Enterprise", existing: [] })
 * // { create: "emqx-scale-up-1700000000", delete: [] }
 */
export function planRebalanceAfterScaleUp(input: RebalanceAfterScaleUpInput): RebalanceAfterScaleUpPlan {
  const { last } = input;
  const wanted =
    input.enabled &&
    last !== undefined &&
    last.to > last.from &&
    input.ready &&
    input.readyReplicants >= last.to &&
    input.edition === "Enterprise"
      ? scaleUpRebalanceName(input.name, last)
      : undefined;
  const create = wanted && !input.existing.some((r) => r.name === wanted) ? wanted : undefined;
  const newestFirst = [...input.existing].sort((a, b) => stamp(b.name) - stamp(a.name));
  const kept = AUTOSCALE_REBALANCES_KEPT - (create ? 1 : 0);
  const remove = newestFirst
    .slice(Math.max(0, kept))
    .filter((r) => r.phase === "Completed" || r.phase === "Failed")
    .map((r) => r.name);
  return { ...(create ? { create } : {}), delete: remove };
}

function stamp(name: string): number {
  return Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
}

/** The EMQX CR a Rebalance is built for: its identity and `spec.updateStrategy.evacuationStrategy`. */
export interface RebalanceOwner {
  name: string;
  namespace: string;
  uid?: string | undefined;
  evacuation?: { connEvictRate?: number; sessEvictRate?: number; waitTakeover?: number } | undefined;
}

/**
 * The Rebalance object for `rebalanceName`: labelled for the CR, owned by it (deleted with it), with the CR's
 * evacuation rates and `waitTakeover` (also used as the health-check wait; defaults 1000/s, 1000/s, 10 s).
 *
 * @example buildScaleUpRebalance({ name: "emqx", namespace: "mq", uid }, "emqx-scale-up-1700000000").spec.instanceName // "emqx"
 */
export function buildScaleUpRebalance(owner: RebalanceOwner, rebalanceName: string) {
  const wait = owner.evacuation?.waitTakeover ?? 10;
  const rebalanceStrategy = RebalanceStrategySchema.parse({
    connEvictRate: owner.evacuation?.connEvictRate ?? 1000,
    sessEvictRate: owner.evacuation?.sessEvictRate ?? 1000,
    waitTakeover: wait,
    waitHealthCheck: wait,
  });
  const ownerReferences = owner.uid
    ? [{ apiVersion: API_VERSION, kind: "EMQX", name: owner.name, uid: owner.uid, blockOwnerDeletion: false }]
    : undefined;
  return {
    apiVersion: API_VERSION,
    kind: REBALANCE_KIND,
    metadata: {
      name: rebalanceName,
      namespace: owner.namespace,
      labels: { [LABEL_AUTOSCALE_REBALANCE_FOR]: owner.name },
      ...(ownerReferences ? { ownerReferences } : {}),
    },
    spec: { instanceKind: "EMQX", instanceName: owner.name, rebalanceStrategy },
  };
}
