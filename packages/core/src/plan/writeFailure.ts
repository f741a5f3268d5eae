/**
 * What a pass reports when one of its writes fails for good or keeps failing: the `ReconcileFailed` condition, one
 * Warning event per distinct failure, and when to try again. Pure, so every runtime reports the same way; the
 * condition in `.status` is also the memory that makes the report deduplicated and the backoff exponential
 * without any state outside the CR.
 */
import {
  type Condition,
  ConditionType,
  type EmqxStatus,
  EventReason,
  safeMessage,
} from "@emqx-reconciler/api";
import { findCondition, setCondition, sortConditions } from "../status/conditions.ts";
import { formatTime, toMillis } from "../status/time.ts";
import type { PlannedEvent } from "./types.ts";

/** First wait after a failure is reported, in seconds. */
export const FAILURE_BACKOFF_MIN_SECONDS = 5;
/** Longest wait between two tries of a failing write, in seconds. */
export const FAILURE_BACKOFF_MAX_SECONDS = 300;

/** One failed write, as the apiserver described it. */
export interface WriteFailure {
  /** `apply`, `create`, `delete`, `patch` or `update` (the status). */
  verb: string;
  /** Kind of the object written (`StatefulSet`, `EMQX` for the CR's own status or annotations). */
  kind: string;
  namespace?: string | undefined;
  name?: string | undefined;
  /** Field paths the apiserver named (may be empty). */
  fields: readonly string[];
  /** The apiserver's answer: `500 InternalError: failed to create typed patch object …`. */
  detail: string;
}

/** Input of {@link planWriteFailure}. */
export interface WriteFailureInput {
  /** The status the pass would have written had the write succeeded. */
  status: EmqxStatus;
  /** The status as read at the start of the pass. */
  prior: EmqxStatus;
  failure: WriteFailure;
  now: Date;
  generation?: number | undefined;
}

/** What to write and when to try again. */
export interface WriteFailureReport {
  status: EmqxStatus;
  /** One Warning event, only when the failure is new (not already the True `ReconcileFailed` condition). */
  events: PlannedEvent[];
  /** Doubles while the failure lasts: the time since it was first reported, within 5 s … 5 min. */
  requeueAfterSeconds: number;
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/**
 * The condition reason: one CamelCase word naming the write, e.g. `ApplyStatefulSetFailed`, `UpdateEMQXFailed`.
 *
 * @example computeFailureReason({ verb: "apply", kind: "StatefulSet", fields: [], detail: "" }) // "ApplyStatefulSetFailed"
 */
export function computeFailureReason(failure: WriteFailure): string {
  return `${capitalised(failure.verb)}${failure.kind}Failed`;
}

/** The condition and event message: the object, the fields, then the apiserver's own words. */
export function computeFailureMessage(failure: WriteFailure): string {
  const object = [failure.namespace, failure.name].filter(Boolean).join("/");
  const fields = failure.fields.length > 0 ? ` field ${failure.fields.join(", ")}:` : "";
  return `${failure.verb} ${failure.kind} ${object} failed:${fields} ${failure.detail}`;
}

/** Whether `status` already reports a failure (a True `ReconcileFailed` condition). */
export function isFailureReported(status: EmqxStatus | undefined): boolean {
  return findCondition(status?.conditions ?? [], ConditionType.ReconcileFailed)?.status === "True";
}

function backoffSeconds(since: Condition | undefined, now: Date): number {
  const first = since?.status === "True" ? toMillis(since.lastTransitionTime) : undefined;
  const elapsed = first === undefined ? 0 : Math.floor((now.getTime() - first) / 1000);
  return Math.min(FAILURE_BACKOFF_MAX_SECONDS, Math.max(FAILURE_BACKOFF_MIN_SECONDS, elapsed));
}

/**
 * The status with `ReconcileFailed` set (its `lastTransitionTime` kept while the failure lasts), the Warning event
 * when the condition is new or says something new, and the delay before the next try. The CR never sits with an
 * empty status while a write fails: `status` is the pass's whole status plus the condition.
 *
 * @example const report = planWriteFailure({ status: p.status, prior, failure, now, generation });
 */
export function planWriteFailure(input: WriteFailureInput): WriteFailureReport {
  const { failure, now, generation } = input;
  const reason = computeFailureReason(failure);
  const message = computeFailureMessage(failure);
  const old = findCondition(input.prior.conditions ?? [], ConditionType.ReconcileFailed);
  const base = (input.status.conditions ?? []).filter((c) => c.type !== ConditionType.ReconcileFailed);
  const withOld = old ? [...base, old] : base;
  const condition = { type: ConditionType.ReconcileFailed, reason, message };
  const conditions = sortConditions(setCondition(withOld, condition, formatTime(now), generation));
  const news =
    old?.status !== "True" ||
    old.reason !== reason ||
    old.message !== safeMessage(message) ||
    old.observedGeneration !== generation;
  return {
    status: { ...input.status, conditions },
    events: news ? [{ type: "Warning", reason: EventReason.ReconcilerFailed, message }] : [],
    requeueAfterSeconds: backoffSeconds(old, now),
  };
}
