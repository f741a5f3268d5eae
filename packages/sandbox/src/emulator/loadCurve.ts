/**
 * Cluster-wide connection load that tests drive over time. A load curve is a list of steps ("from `afterMs` after
 * the curve was set, the cluster holds `connections` clients"); the model keeps per-node counts sticky, as MQTT
 * clients are: new clients land evenly on the running nodes of the serving role (replicants when there are any,
 * else cores), leaving clients leave every node in proportion, and clients of a node that went away reconnect to
 * the others. Connections move between nodes only through a rebalance (`rebalance.ts`). Pure state with the clock
 * passed in, evaluated whenever a node answers a request.
 */
import type { EmulatedCluster, EmulatedEmqx, EmulatedNode } from "./cluster.ts";
import { advanceRebalances } from "./rebalance.ts";

/** One step of a load curve. */
export interface LoadStep {
  /** Milliseconds after the curve was set. */
  readonly afterMs: number;
  readonly connections: number;
  /** Messages the cluster receives per second from then on (`received_msg_rate`); 0 when absent. */
  readonly messagesPerSecond?: number;
}

/** A curve as set through the admin API. */
export interface LoadCurve {
  readonly setAt: number;
  readonly steps: readonly LoadStep[];
}

const curvesByWorld = new WeakMap<EmulatedEmqx, Map<string, LoadCurve>>();

function curvesOf(world: EmulatedEmqx): Map<string, LoadCurve> {
  let curves = curvesByWorld.get(world);
  if (!curves) {
    curves = new Map();
    curvesByWorld.set(world, curves);
  }
  return curves;
}

/** Sets (or with no steps, clears) the load curve of the cluster `namespace/name`, starting at `now`. */
export function setLoadCurve(
  world: EmulatedEmqx,
  clusterKey: string,
  steps: readonly LoadStep[],
  now: number,
): void {
  if (steps.length === 0) curvesOf(world).delete(clusterKey);
  else
    curvesOf(world).set(clusterKey, { setAt: now, steps: [...steps].sort((a, b) => a.afterMs - b.afterMs) });
}

/** The curve of a cluster, if one is set. */
export function findLoadCurve(world: EmulatedEmqx, clusterKey: string): LoadCurve | undefined {
  return curvesOf(world).get(clusterKey);
}

/** Connections the curve asks for at `now`: the last step already reached (0 before the first). */
export function computeCurveTarget(curve: LoadCurve, now: number): number {
  const elapsed = now - curve.setAt;
  let target = 0;
  for (const step of curve.steps) if (step.afterMs <= elapsed) target = step.connections;
  return target;
}

/** Messages per second the curve asks for at `now`: the last step already reached (0 before the first). */
export function computeCurveMessageRate(curve: LoadCurve, now: number): number {
  const elapsed = now - curve.setAt;
  let rate = 0;
  for (const step of curve.steps) if (step.afterMs <= elapsed) rate = step.messagesPerSecond ?? 0;
  return rate;
}

/** The running nodes that accept clients: replicants when the cluster has running ones, else cores. */
export function listServingNodes(cluster: EmulatedCluster): EmulatedNode[] {
  const running = [...cluster.nodes.values()].filter((n) => n.facts && !cluster.departed.has(n.name));
  const replicants = running.filter((n) => n.role === "replicant");
  return replicants.length > 0 ? replicants : running;
}

/**
 * Brings the cluster's per-node counts to the curve's target at `now` (after moving what running rebalances
 * moved). Nodes outside the serving set keep what they hold. A cluster without a curve is left alone.
 */
export function applyLoadCurve(world: EmulatedEmqx, cluster: EmulatedCluster, now: number): void {
  advanceRebalances(cluster, now);
  const curve = findLoadCurve(world, cluster.key);
  if (!curve) return;
  const serving = listServingNodes(cluster).filter((n) => !cluster.evacuations.has(n.name));
  if (serving.length === 0) return;
  const target = computeCurveTarget(curve, now);
  const current = serving.reduce((sum, n) => sum + n.connections, 0);
  if (target > current) spreadEvenly(serving, target - current);
  else if (target < current) removeProportionally(serving, current - target, current);
}

function spreadEvenly(nodes: readonly EmulatedNode[], extra: number): void {
  const sorted = [...nodes].sort((a, b) => a.connections - b.connections || a.name.localeCompare(b.name));
  const share = Math.floor(extra / sorted.length);
  sorted.forEach((n, i) => {
    n.connections += share + (i < extra % sorted.length ? 1 : 0);
  });
}

function removeProportionally(nodes: readonly EmulatedNode[], gone: number, current: number): void {
  let left = gone;
  for (const n of nodes) {
    const cut = Math.min(n.connections, Math.floor((gone * n.connections) / current));
    n.connections -= cut;
    left -= cut;
  }
  for (const n of [...nodes].sort((a, b) => b.connections - a.connections)) {
    if (left === 0) break;
    const cut = Math.min(n.connections, left);
    n.connections -= cut;
    left -= cut;
  }
}
