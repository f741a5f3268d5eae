/**
 * The autoscaler's decision, a pure function of the connection samples, the policy, the current replicants, the
 * time and the last decision. Stabilisation works like the HorizontalPodAutoscaler's: every sample recommends
 * `ceil(connections / target)` replicants (within min…max); a scale-up needs the load to have asked for more
 * over the whole scale-up window (the lowest recommendation in it is above the current count), a scale-down needs
 * it to have asked for fewer over the whole scale-down window (the highest is below). Samples taken before the
 * last decision do not count, so two decisions are always at least a window apart, and none comes inside the
 * cooldown. One decision moves at most `step` replicants.
 */
import type { AutoscalePolicy } from "./policy.ts";

/** One reading of the cluster's live connections. */
export interface AutoscaleSample {
  /** Epoch ms. */
  at: number;
  connections: number;
  /** Messages received per second by the cluster, when the policy targets messages. */
  messagesPerSecond?: number;
}

/** The last decision, as the CR's `autoscale.apps.emqx.io/last-decision` annotation keeps it. */
export interface AutoscaleDecisionRecord {
  /** Epoch ms. */
  at: number;
  from: number;
  to: number;
}

/** Everything a decision depends on. */
export interface AutoscaleInput {
  policy: AutoscalePolicy;
  samples: readonly AutoscaleSample[];
  /** Replicants the spec asks for now. */
  replicas: number;
  /** Epoch ms. */
  now: number;
  last?: AutoscaleDecisionRecord | undefined;
}

/** What to do, and why in words fit for an Event. */
export interface AutoscaleDecision {
  action: "scale-up" | "scale-down" | "hold";
  from: number;
  to: number;
  /** The latest sample's recommendation, when there is a sample. */
  desired?: number;
  /** Live connections of the latest sample counted. */
  connections?: number;
  reason: string;
}

/** Replicants one sample asks for: the larger of what each target needs, within min…max. */
function recommend(policy: AutoscalePolicy, sample: AutoscaleSample): number {
  const byConnections = policy.targetConnectionsPerReplicant
    ? Math.ceil(sample.connections / policy.targetConnectionsPerReplicant)
    : 0;
  const byMessages = policy.targetMessagesPerSecondPerReplicant
    ? Math.ceil((sample.messagesPerSecond ?? 0) / policy.targetMessagesPerSecondPerReplicant)
    : 0;
  return Math.min(policy.max, Math.max(policy.min, byConnections, byMessages));
}

/** The load of a sample and the targets, in words: what the policy targets only. */
function describeLoad(policy: AutoscalePolicy, sample: AutoscaleSample): { load: string; target: string } {
  const conn = policy.targetConnectionsPerReplicant;
  const msgs = policy.targetMessagesPerSecondPerReplicant;
  const connLoad = `${sample.connections} live connections`;
  const msgLoad = `${sample.messagesPerSecond ?? 0} messages/s`;
  if (conn && msgs)
    return { load: `${connLoad} and ${msgLoad}`, target: `${conn} connections or ${msgs} messages/s each` };
  if (msgs) return { load: msgLoad, target: `${msgs} messages/s each` };
  return { load: connLoad, target: `${conn} each` };
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The samples of `window` ms before `now`, or `undefined` when observation does not cover the whole window. */
function windowSamples(
  samples: readonly AutoscaleSample[],
  now: number,
  windowMs: number,
): AutoscaleSample[] | undefined {
  const oldest = samples[0];
  if (!oldest || oldest.at > now - windowMs) return undefined;
  const inside = samples.filter((s) => s.at >= now - windowMs);
  return inside.length > 0 ? inside : samples.slice(-1);
}

/**
 * Decides one step.
 *
 * @example decideAutoscale({ policy, samples: [{ at: 0, connections: 9000 }, { at: 60_000, connections: 9100 }], replicas: 2, now: 60_000 })
 * // { action: "scale-up", from: 2, to: 3, desired: 5, … } with target 2000 and step 1
 */
export function decideAutoscale(input: AutoscaleInput): AutoscaleDecision {
  const { policy, replicas, now, last } = input;
  const hold = (reason: string, extra: Partial<AutoscaleDecision> = {}): AutoscaleDecision => ({
    action: "hold",
    from: replicas,
    to: replicas,
    ...extra,
    reason,
  });
  if (last && now - last.at < policy.cooldownMs)
    return hold(`cooling down until ${seconds(policy.cooldownMs)} after the last decision`);
  if (replicas < policy.min)
    return {
      action: "scale-up",
      from: replicas,
      to: Math.min(policy.min, replicas + policy.step),
      reason: `replicants ${replicas} are below the autoscale minimum ${policy.min}`,
    };
  if (replicas > policy.max)
    return {
      action: "scale-down",
      from: replicas,
      to: Math.max(policy.max, replicas - policy.step),
      reason: `replicants ${replicas} are above the autoscale maximum ${policy.max}`,
    };
  const samples = input.samples
    .filter((s) => s.at <= now && (!last || s.at > last.at))
    .sort((a, b) => a.at - b.at);
  const latest = samples.at(-1);
  if (!latest) return hold("no connection sample since the last decision");
  const seen = { desired: recommend(policy, latest), connections: latest.connections };
  const { load, target } = describeLoad(policy, latest);
  const up = windowSamples(samples, now, policy.scaleUpWindowMs);
  const upTo = up && Math.min(...up.map((s) => recommend(policy, s)));
  if (upTo !== undefined && upTo > replicas) {
    const to = Math.min(upTo, replicas + policy.step);
    return {
      action: "scale-up",
      from: replicas,
      to,
      ...seen,
      reason: `${load} over ${seconds(policy.scaleUpWindowMs)} need at least ${upTo} replicants at ${target}`,
    };
  }
  const down = windowSamples(samples, now, policy.scaleDownWindowMs);
  const downTo = down && Math.max(...down.map((s) => recommend(policy, s)));
  if (downTo !== undefined && downTo < replicas) {
    const to = Math.max(downTo, replicas - policy.step);
    return {
      action: "scale-down",
      from: replicas,
      to,
      ...seen,
      reason: `${load} over ${seconds(policy.scaleDownWindowMs)} need at most ${downTo} replicants at ${target}`,
    };
  }
  if (seen.desired === replicas) return hold(`${load} fit ${replicas} replicants`, seen);
  return hold(
    `waiting for the load to hold for the whole window (it asks for ${seen.desired} replicants)`,
    seen,
  );
}

/** Drops samples no future decision can use: those older than the longer window before `now`. */
export function pruneSamples(
  samples: readonly AutoscaleSample[],
  policy: AutoscalePolicy,
  now: number,
): AutoscaleSample[] {
  const keepFrom = now - Math.max(policy.scaleUpWindowMs, policy.scaleDownWindowMs);
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const firstInside = sorted.findIndex((s) => s.at >= keepFrom);
  if (firstInside < 0) return sorted.slice(-1);
  const covered = sorted[firstInside]?.at === keepFrom;
  return sorted.slice(covered ? firstInside : Math.max(0, firstInside - 1));
}

/** Reads the last-decision annotation; anything unreadable counts as no decision. */
export function readLastDecision(text: string | undefined): AutoscaleDecisionRecord | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<AutoscaleDecisionRecord>;
    return typeof v.at === "number" && typeof v.from === "number" && typeof v.to === "number"
      ? { at: v.at, from: v.from, to: v.to }
      : undefined;
  } catch {
    return undefined;
  }
}
