/**
 * What a scale request may set on one CR: the CR's own `apps.emqx.io/scale-{min,max}-{cores,replicants}`
 * annotations within the reconciler's limit, and never fewer than one core.
 */
import { ANNOTATION_SCALE_BOUNDS, type ScaleRequest } from "@emqx-reconciler/api";

/** Inclusive bounds of a scale request for one role. */
export interface ScaleBounds {
  min: number;
  max: number;
}

/** The bounds, or why the CR's annotations cannot give any (a refused request names it). */
export type ScaleBoundsResult = { ok: true; bounds: ScaleBounds } | { ok: false; problem: string };

function wholeNumber(
  annotations: Readonly<Record<string, string>>,
  key: string,
): number | undefined | "invalid" {
  const value = annotations[key];
  if (value === undefined) return undefined;
  return /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : "invalid";
}

/**
 * Reads the bounds for `role`. Defaults: 1…`maxReplicas` cores, 0…`maxReplicas` replicants. An annotation that is
 * not a whole number, or a minimum above the maximum, gives no bounds at all, so every request is refused until the
 * CR is fixed (refusing is the safe side of a typo).
 *
 * @example scaleBounds({ "apps.emqx.io/scale-max-replicants": "8" }, "replicant", 100) // { ok: true, bounds: { min: 0, max: 8 } }
 */
export function scaleBounds(
  annotations: Readonly<Record<string, string>> | undefined,
  role: ScaleRequest["role"],
  maxReplicas: number,
): ScaleBoundsResult {
  const keys = ANNOTATION_SCALE_BOUNDS[role];
  const floor = role === "core" ? 1 : 0;
  const min = wholeNumber(annotations ?? {}, keys.min);
  const max = wholeNumber(annotations ?? {}, keys.max);
  if (min === "invalid") return { ok: false, problem: `annotation ${keys.min} is not a whole number` };
  if (max === "invalid") return { ok: false, problem: `annotation ${keys.max} is not a whole number` };
  const bounds = { min: Math.max(floor, min ?? floor), max: Math.min(maxReplicas, max ?? maxReplicas) };
  if (bounds.min > bounds.max)
    return { ok: false, problem: `the ${role} bounds are empty (${bounds.min} > ${bounds.max})` };
  return { ok: true, bounds };
}
