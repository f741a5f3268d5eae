/**
 * What the plan does when the new-set circuit breaker trips (see `planSet`): the `TemplateDrift` condition naming
 * the set and the differing field paths, one Warning event per new finding, and a retry that backs off — the
 * delay doubles with the age of the condition, from 10 s to 5 min — instead of a set per pass.
 */
import {
  type Condition,
  ConditionReason,
  ConditionType,
  EventReason,
  safeMessage,
} from "@emqx-reconciler/api";
import { findCondition, removeConditions, setCondition, sortConditions } from "../status/conditions.ts";
import { toMillis } from "../status/time.ts";
import type { TemplateDrift } from "./sets.ts";
import type { PlannedEvent } from "./types.ts";

/** First retry after the breaker tripped. */
export const DRIFT_RETRY_MIN_SECONDS = 10;
/** Longest wait between retries while the drift lasts. */
export const DRIFT_RETRY_MAX_SECONDS = 300;

/** What the drift changes in a pass. */
export interface DriftOutcome {
  conditions: Condition[];
  events: PlannedEvent[];
  requeueAfterSeconds?: number;
}

/** The condition message: which set, which fields, and what to do. */
export function driftMessage(drifts: readonly TemplateDrift[]): string {
  const parts = drifts.map(
    (d) =>
      `${d.kind} ${d.set} was created for this generation but its pod template differs from the desired one at ${d.paths.join(", ") || "(no field path)"}`,
  );
  return `${parts.join("; ")}. No further set is created for this generation; the cluster is kept as it is. An admission webhook or policy that rewrites pod templates is the usual cause: exempt this namespace from it, or change the spec to retry.`;
}

function retryAfter(condition: Condition | undefined, now: string): number {
  const since = toMillis(condition?.lastTransitionTime);
  const at = toMillis(now);
  const age = since !== undefined && at !== undefined ? Math.max(0, (at - since) / 1000) : 0;
  return Math.round(Math.min(DRIFT_RETRY_MAX_SECONDS, Math.max(DRIFT_RETRY_MIN_SECONDS, age)));
}

/**
 * Sets `TemplateDrift` while any role drifts (and removes it once none does); plans the Warning event when the
 * condition is new or names something new, so a lasting drift records one event, not one per pass.
 */
export function planDrift(
  conditions: readonly Condition[],
  drifts: readonly TemplateDrift[],
  now: string,
  generation: number | undefined,
): DriftOutcome {
  const before = findCondition(conditions, ConditionType.TemplateDrift);
  if (drifts.length === 0) {
    return {
      conditions: before ? removeConditions(conditions, [ConditionType.TemplateDrift]) : [...conditions],
      events: [],
    };
  }
  const message = driftMessage(drifts);
  const input = { type: ConditionType.TemplateDrift, reason: ConditionReason.TemplateDrift, message };
  const next = sortConditions(setCondition(conditions, input, now, generation));
  const isNew = before?.status !== "True" || before.message !== safeMessage(message);
  return {
    conditions: next,
    events: isNew ? [{ type: "Warning", reason: EventReason.TemplateDrift, message }] : [],
    requeueAfterSeconds: retryAfter(isNew ? undefined : before, now),
  };
}
