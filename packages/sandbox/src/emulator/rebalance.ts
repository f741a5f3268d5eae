/**
 * Connection rebalance across nodes (`POST /load_rebalance/{node}/start`), as a function of time like the
 * evacuation: the coordinator splits the listed nodes into donors (above the average) and recipients, waits
 * `wait_health_check`, moves each donor's excess over the average to the recipients at `conn_evict_rate` per
 * second and donor, waits `wait_takeover`, and ends (it then leaves `global_status.rebalances`). A start when the
 * donors' average is not above the recipients' by both thresholds is refused with `nothing_to_balance`.
 */
import type { EmulatedCluster, EmulatedNode } from "./cluster.ts";

/** Validated start parameters of a rebalance. */
export interface RebalanceRequest {
  readonly connEvictRate: number;
  readonly sessEvictRate: number;
  readonly waitTakeoverS: number;
  readonly waitHealthCheckS: number;
  readonly absConnThreshold: number;
  readonly relConnThreshold: number;
  readonly absSessThreshold: number;
  readonly relSessThreshold: number;
  readonly nodes: readonly string[];
}

/** A running rebalance. */
export interface Rebalance extends RebalanceRequest {
  readonly coordinator: string;
  readonly startedAt: number;
  readonly donors: readonly string[];
  readonly recipients: readonly string[];
  /** Connections each donor must give away. */
  readonly excess: ReadonlyMap<string, number>;
  /** Connections already moved off each donor. */
  readonly moved: Map<string, number>;
  readonly goal: number;
  readonly donorAverage: number;
}

/** The coordinator states EMQX reports while a rebalance runs. */
export type RebalanceState = "wait_health_check" | "evicting_conns" | "wait_takeover" | "evicting_sessions";

/** EMQX defaults for a rebalance start (`emqx_node_rebalance.hrl`). */
export const REBALANCE_DEFAULTS = {
  connEvictRate: 500,
  sessEvictRate: 500,
  waitTakeoverS: 60,
  waitHealthCheckS: 60,
  absConnThreshold: 1000,
  relConnThreshold: 1.1,
  absSessThreshold: 1000,
  relSessThreshold: 1.1,
};

const rebalances = new WeakMap<EmulatedCluster, Rebalance>();

/** The cluster's running rebalance, if any. */
export function findRebalance(cluster: EmulatedCluster): Rebalance | undefined {
  return rebalances.get(cluster);
}

/** Starts a rebalance coordinated by `coordinator`; returns the EMQX error reason when it cannot start. */
export function beginRebalance(
  cluster: EmulatedCluster,
  coordinator: string,
  request: RebalanceRequest,
  nodes: readonly EmulatedNode[],
  now: number,
): string | undefined {
  if (rebalances.has(cluster)) return "already_started";
  const total = nodes.reduce((s, n) => s + n.connections, 0);
  const average = nodes.length === 0 ? 0 : total / nodes.length;
  const donors = nodes.filter((n) => n.connections > average);
  const recipients = nodes.filter((n) => n.connections <= average);
  const avg = (list: readonly EmulatedNode[]) =>
    list.length === 0 ? 0 : list.reduce((s, n) => s + n.connections, 0) / list.length;
  const donorAverage = avg(donors);
  const recipientAverage = avg(recipients);
  const needed =
    donors.length > 0 &&
    recipients.length > 0 &&
    donorAverage > recipientAverage * request.relConnThreshold &&
    donorAverage - recipientAverage > request.absConnThreshold;
  if (!needed) return "nothing_to_balance";
  const goal = Math.ceil(average);
  rebalances.set(cluster, {
    ...request,
    coordinator,
    startedAt: now,
    donors: donors.map((n) => n.name),
    recipients: recipients.map((n) => n.name),
    excess: new Map(donors.map((n) => [n.name, n.connections - goal])),
    moved: new Map(donors.map((n) => [n.name, 0])),
    goal,
    donorAverage,
  });
  return undefined;
}

/** Stops the cluster's rebalance; returns `not_started` when none runs. Moved connections stay moved. */
export function endRebalance(cluster: EmulatedCluster): string | undefined {
  return rebalances.delete(cluster) ? undefined : "not_started";
}

/** Where the rebalance stands at `now`; `done` once it is over. */
export function computeRebalanceState(rb: Rebalance, now: number): RebalanceState | "done" {
  const t = now - rb.startedAt;
  const healthEnd = rb.waitHealthCheckS * 1000;
  if (t < healthEnd) return "wait_health_check";
  const maxExcess = Math.max(0, ...rb.excess.values());
  const connEnd = healthEnd + Math.ceil(maxExcess / rb.connEvictRate) * 1000;
  if (t < connEnd) return "evicting_conns";
  if (t < connEnd + rb.waitTakeoverS * 1000) return "wait_takeover";
  return "done";
}

/** Moves the connections a running rebalance has moved by `now` and forgets a finished one. */
export function advanceRebalances(cluster: EmulatedCluster, now: number): void {
  const rb = rebalances.get(cluster);
  if (!rb) return;
  const evictingFor = Math.max(0, now - rb.startedAt - rb.waitHealthCheckS * 1000) / 1000;
  const recipients = rb.recipients.flatMap((name) => {
    const node = cluster.nodes.get(name);
    return node?.facts ? [node] : [];
  });
  let handed = 0;
  for (const [name, excess] of rb.excess) {
    const due = Math.min(excess, Math.floor(evictingFor * rb.connEvictRate));
    const node = cluster.nodes.get(name);
    const step = Math.min(due - (rb.moved.get(name) ?? 0), node?.connections ?? 0);
    if (!node || step <= 0 || recipients.length === 0) continue;
    node.connections -= step;
    rb.moved.set(name, (rb.moved.get(name) ?? 0) + step);
    handed += step;
  }
  const sorted = [...recipients].sort(
    (a, b) => a.connections - b.connections || a.name.localeCompare(b.name),
  );
  sorted.forEach((n, i) => {
    n.connections += Math.floor(handed / sorted.length) + (i < handed % sorted.length ? 1 : 0);
  });
  if (computeRebalanceState(rb, now) === "done") rebalances.delete(cluster);
}

/** The coordinator's entry in `global_status.rebalances`. */
export function buildRebalanceView(rb: Rebalance, now: number): Record<string, unknown> {
  const state = computeRebalanceState(rb, now);
  return {
    node: rb.coordinator,
    state: state === "done" ? "evicting_sessions" : state,
    coordinator_node: rb.coordinator,
    connection_eviction_rate: rb.connEvictRate,
    session_eviction_rate: rb.sessEvictRate,
    recipients: [...rb.recipients],
    donors: [...rb.donors],
    connection_goal: rb.goal,
    disconnected_session_goal: 0,
    donor_conn_avg: rb.donorAverage,
    donor_sess_avg: rb.donorAverage,
  };
}
