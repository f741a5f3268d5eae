/**
 * A `Rebalance` pass as the operator 2.2 runs it, as a pure function: refuse (phase `Failed`) when the target
 * EMQX is missing, not Ready, or not an Enterprise build (open-source EMQX has no `load_rebalance`); otherwise
 * start once on the first target node (replicants when the cluster has any, else cores), then poll
 * `global_status.rebalances` every 5 s until it is empty (`Completed`). `Completed` and `Failed` are final.
 * The finalizer `apps.emqx.io/finalizer` is added before the start and removed once the Rebalance is final; a
 * Rebalance deleted while `Processing` stops the rebalance on its coordinator node, and its finalizer is removed
 * whatever the stop's outcome, and also when the EMQX CR or its API is gone (a delete never hangs).
 */

import {
  isoTime,
  type RebalanceSpec,
  type RebalanceStateEntry,
  type RebalanceStatus,
} from "@emqx-reconciler/api";

/** The target EMQX as the pass sees it. */
export interface RebalanceTarget {
  ready: boolean;
  /** `status.coreNodes[0].edition`. */
  edition?: string | undefined;
  coreNodes: readonly string[];
  replicantNodes: readonly string[];
}

/** What the last API call of this pass returned, when one was made. */
export type RebalanceOutcome =
  | { kind: "started" }
  | { kind: "start-failed"; message: string }
  | { kind: "polled"; rebalances: readonly RebalanceStateEntry[] };

/** Everything a pass depends on. */
export interface RebalanceInput {
  spec: RebalanceSpec;
  status: RebalanceStatus | undefined;
  deleting: boolean;
  /** Whether `metadata.finalizers` holds `apps.emqx.io/finalizer`. */
  hasFinalizer?: boolean;
  /** `undefined`: no EMQX of that name in the namespace. */
  target: RebalanceTarget | undefined;
  now: Date;
  outcome?: RebalanceOutcome;
}

/** The `load_rebalance/{node}/start` body the operator sends. */
export interface RebalanceStartBody {
  conn_evict_rate: number;
  sess_evict_rate: number;
  wait_takeover: number;
  wait_health_check: number;
  abs_conn_threshold: number;
  abs_sess_threshold: number;
  rel_conn_threshold: number;
  rel_sess_threshold: number;
  nodes: string[];
}

/** The API call to make next. */
export type RebalanceAction =
  | { kind: "start"; node: string; body: RebalanceStartBody }
  | { kind: "poll" }
  | { kind: "stop"; node: string }
  | { kind: "none" };

/** The status to write, the next call, an Event and when to come back. */
export interface RebalancePlan {
  status: RebalanceStatus;
  action: RebalanceAction;
  event?: { type: "Normal" | "Warning"; reason: "Rebalance"; message: string };
  requeueAfterSeconds?: number;
  /** Add the finalizer (before the start call) or remove it (after the status write, or after the stop). */
  finalizer?: "add" | "remove";
}

/** How often a `Processing` rebalance is polled, as the operator does. */
export const REBALANCE_POLL_SECONDS = 5;

function withPhase(
  status: RebalanceStatus | undefined,
  phase: "Processing" | "Completed" | "Failed",
  now: Date,
  reason: string,
  message: string,
): RebalanceStatus {
  const time = isoTime(now);
  const others = (status?.conditions ?? []).filter((c) => c.type !== phase);
  const condition = {
    type: phase,
    status: "True" as const,
    lastUpdateTime: time,
    lastTransitionTime: time,
    reason,
    message,
  };
  return { ...status, phase, conditions: [condition, ...others] };
}

function startBody(spec: RebalanceSpec, nodes: string[]): RebalanceStartBody {
  const s = spec.rebalanceStrategy;
  return {
    conn_evict_rate: s.connEvictRate,
    sess_evict_rate: s.sessEvictRate,
    wait_takeover: s.waitTakeover,
    wait_health_check: s.waitHealthCheck,
    abs_conn_threshold: s.absConnThreshold,
    abs_sess_threshold: s.absSessThreshold,
    rel_conn_threshold: Number(s.relConnThreshold),
    rel_sess_threshold: Number(s.relSessThreshold),
    nodes,
  };
}

/**
 * Plans one pass.
 *
 * @example planRebalance({ spec, status: undefined, deleting: false, target, now }).action // { kind: "start", node: "emqx@10.0.0.5", … }
 */
export function planRebalance(input: RebalanceInput): RebalancePlan {
  const plan = planPass(input);
  const final = plan.status.phase === "Completed" || plan.status.phase === "Failed";
  if (input.hasFinalizer && (input.deleting || final)) return { ...plan, finalizer: "remove" };
  if (!input.hasFinalizer && !input.deleting && plan.action.kind === "start")
    return { ...plan, finalizer: "add" };
  return plan;
}

function planPass(input: RebalanceInput): RebalancePlan {
  const { spec, status, target, now, outcome } = input;
  const phase = status?.phase;
  if (input.deleting) {
    const coordinator = status?.rebalanceStates?.[0]?.coordinator_node;
    const stop = phase === "Processing" && coordinator && target;
    return { status: status ?? {}, action: stop ? { kind: "stop", node: coordinator } : { kind: "none" } };
  }
  if (phase === "Completed" || phase === "Failed")
    return { status, action: { kind: "none" } } as RebalancePlan;
  const fail = (message: string): RebalancePlan => ({
    status: withPhase(status, "Failed", now, "RebalanceFailed", message),
    action: { kind: "none" },
    event: { type: "Warning", reason: "Rebalance", message },
  });
  if (outcome?.kind === "start-failed") return fail(`Failed to start rebalance: ${outcome.message}`);
  if (outcome?.kind === "started")
    return {
      status: {
        ...withPhase(status, "Processing", now, "RebalanceProcessing", "Rebalance is processing"),
        startedTime: isoTime(now),
      },
      action: { kind: "none" },
      event: { type: "Normal", reason: "Rebalance", message: "Rebalance started" },
      requeueAfterSeconds: REBALANCE_POLL_SECONDS,
    };
  if (outcome?.kind === "polled") {
    if (outcome.rebalances.length === 0)
      return {
        status: {
          ...withPhase(status, "Completed", now, "RebalanceCompleted", "Rebalance completed"),
          rebalanceStates: [],
          completedTime: isoTime(now),
        },
        action: { kind: "none" },
        event: { type: "Normal", reason: "Rebalance", message: "Rebalance completed" },
      };
    return {
      status: { ...(status ?? {}), rebalanceStates: [...outcome.rebalances] },
      action: { kind: "none" },
      requeueAfterSeconds: REBALANCE_POLL_SECONDS,
    };
  }
  if (!target) return fail(`EMQX ${spec.instanceName} not found`);
  if (spec.instanceKind !== "EMQX") return fail(`instanceKind ${spec.instanceKind} is not served; use EMQX`);
  if (!target.ready) return fail(`EMQX ${spec.instanceName} is not ready`);
  if (target.edition !== "Enterprise")
    return fail(
      `EMQX ${spec.instanceName} is ${target.edition ?? "of an unknown edition"}: only EMQX Enterprise has the load_rebalance API`,
    );
  if (phase === "Processing") return { status: status ?? {}, action: { kind: "poll" } };
  const nodes = [...(target.replicantNodes.length > 0 ? target.replicantNodes : target.coreNodes)];
  const first = nodes[0];
  if (!first) return fail(`EMQX ${spec.instanceName} has no running node to rebalance`);
  return { status: status ?? {}, action: { kind: "start", node: first, body: startBody(spec, nodes) } };
}
