/**
 * Reads a CR's `autoscale.apps.emqx.io/*` annotations into an autoscale policy. Pure.
 */
import { ANNOTATION_AUTOSCALE } from "@emqx-reconciler/api";

/** What the autoscaler aims for on one CR. Durations in milliseconds. */
export interface AutoscalePolicy {
  /** Live connections per replicant; absent when only the messages target is set. */
  targetConnectionsPerReplicant?: number;
  /** Messages per second (received) per replicant; absent when not set. */
  targetMessagesPerSecondPerReplicant?: number;
  min: number;
  max: number;
  step: number;
  scaleUpWindowMs: number;
  scaleDownWindowMs: number;
  cooldownMs: number;
  /** Create a `Rebalance` once a scale-up is Ready (`rebalance-after-scale-up`). */
  rebalanceAfterScaleUp: boolean;
}

/** The policy, `off` when the CR did not opt in, or the first annotation that cannot be read. */
export type AutoscalePolicyResult =
  | { kind: "on"; policy: AutoscalePolicy }
  | { kind: "off" }
  | { kind: "invalid"; problem: string };

/** Defaults of the optional annotations. */
export const AUTOSCALE_DEFAULTS = {
  min: 1,
  step: 1,
  scaleUpWindowMs: 60_000,
  scaleDownWindowMs: 300_000,
  cooldownMs: 120_000,
} as const;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `"30s"` → 30000; a bare number is seconds; anything else is `undefined`. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d{1,9})(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[(m[2] ?? "s") as keyof typeof UNIT_MS];
}

/**
 * Reads the policy; `maxReplicas` is the reconciler's limit (the default and the ceiling of `max`).
 *
 * @example readAutoscalePolicy({ "autoscale.apps.emqx.io/target-connections-per-replicant": "5000" }, 100)
 * // { kind: "on", policy: { targetConnectionsPerReplicant: 5000, min: 1, max: 100, step: 1, … } }
 */
export function readAutoscalePolicy(
  annotations: Readonly<Record<string, string>> | undefined,
  maxReplicas: number,
): AutoscalePolicyResult {
  const a = annotations ?? {};
  const K = ANNOTATION_AUTOSCALE;
  if (
    a[K.targetConnectionsPerReplicant] === undefined &&
    a[K.targetMessagesPerSecondPerReplicant] === undefined
  )
    return { kind: "off" };
  const count = (key: string, fallback: number | undefined, floor: number): number | string => {
    const v = a[key];
    if (v === undefined) return fallback ?? floor;
    return /^\d{1,9}$/.test(v.trim()) && Number(v) >= floor
      ? Number(v)
      : `annotation ${key} must be a whole number ≥ ${floor}`;
  };
  const duration = (key: string, fallback: number): number | string => {
    const v = a[key];
    if (v === undefined) return fallback;
    return parseDurationMs(v) ?? `annotation ${key} must be a duration such as 30s or 5m`;
  };
  const optional = (key: string) => (a[key] === undefined ? undefined : count(key, undefined, 1));
  const fields = {
    targetConnectionsPerReplicant: optional(K.targetConnectionsPerReplicant),
    targetMessagesPerSecondPerReplicant: optional(K.targetMessagesPerSecondPerReplicant),
    min: count(K.min, AUTOSCALE_DEFAULTS.min, 0),
    max: count(K.max, maxReplicas, 0),
    step: count(K.step, AUTOSCALE_DEFAULTS.step, 1),
    scaleUpWindowMs: duration(K.scaleUpWindow, AUTOSCALE_DEFAULTS.scaleUpWindowMs),
    scaleDownWindowMs: duration(K.scaleDownWindow, AUTOSCALE_DEFAULTS.scaleDownWindowMs),
    cooldownMs: duration(K.cooldown, AUTOSCALE_DEFAULTS.cooldownMs),
  };
  const flag = a[K.rebalanceAfterScaleUp]?.trim();
  if (flag !== undefined && flag !== "true" && flag !== "false")
    return { kind: "invalid", problem: `annotation ${K.rebalanceAfterScaleUp} must be "true" or "false"` };
  const problem = Object.values(fields).find((v): v is string => typeof v === "string");
  if (problem) return { kind: "invalid", problem };
  const targets = Object.fromEntries(
    Object.entries(fields).filter(([key, value]) => value !== undefined || !key.startsWith("target")),
  );
  const policy = { ...targets, rebalanceAfterScaleUp: flag === "true" } as AutoscalePolicy;
  policy.max = Math.min(policy.max, maxReplicas);
  if (policy.min > policy.max)
    return { kind: "invalid", problem: `autoscale min ${policy.min} is above max ${policy.max}` };
  return { kind: "on", policy };
}
