/**
 * Plans for a CR we must not act on: an invalid spec or `config.data`, or a bootstrap key whose referenced Secret
 * is missing. Nothing is created, applied, scaled or deleted (no half-applied spec); only the `InvalidSpec`
 * condition and one Warning event say why.
 */
import { type Condition, ConditionType, type EmqxStatus, safeMessage } from "@emqx-reconciler/api";
import { findCondition, setCondition, sortConditions } from "../status/conditions.ts";
import { statusDiffers } from "./statusDiff.ts";
import type { Plan } from "./types.ts";

/** What is wrong, in the words of the condition and the event. */
export interface Problem {
  /** Condition reason: `InvalidConfig` or `InvalidSpec`. */
  reason: string;
  /** Event reason: `InvalidConfig`, `InvalidSpec` or `GetBootStrapSecretRef`. */
  eventReason: string;
  /** Names the field and the rule; never a secret value. */
  message: string;
  /** Retry after this long (a missing Secret may appear without any hint reaching us). */
  requeueAfterSeconds?: number;
}

/**
 * Keeps the prior status (node lists, lifecycle conditions: they describe the last valid spec) and adds
 * `InvalidSpec`. The Warning event is planned only when the condition is new or says something new, so an
 * unchanged bad spec does not flood the CR's events; it is not retried until the spec changes.
 */
export function planProblem(
  rawStatus: unknown,
  prior: EmqxStatus,
  problem: Problem,
  now: string,
  generation: number | undefined,
): Plan {
  const before: readonly Condition[] = prior.conditions ?? [];
  const input = { type: ConditionType.InvalidSpec, reason: problem.reason, message: problem.message };
  const conditions = sortConditions(setCondition(before, input, now, generation));
  const status: EmqxStatus = { ...prior, conditions };
  const old = findCondition(before, ConditionType.InvalidSpec);
  const news =
    old?.status !== "True" ||
    old.message !== safeMessage(problem.message) ||
    old.reason !== problem.reason ||
    old.observedGeneration !== generation;
  return {
    ...noWrites(status),
    statusChanged: statusDiffers(rawStatus, status),
    events: news ? [{ type: "Warning", reason: problem.eventReason, message: problem.message }] : [],
    ...(problem.requeueAfterSeconds ? { requeueAfterSeconds: problem.requeueAfterSeconds } : {}),
  };
}

/** A plan that writes nothing and keeps `status` as it is. */
export function noWrites(status: EmqxStatus): Plan {
  return {
    create: [],
    apply: [],
    delete: [],
    scale: [],
    podConditions: [],
    podAnnotations: [],
    status,
    statusChanged: false,
    events: [],
  };
}
