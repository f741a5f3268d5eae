/**
 * A pass whose write failed for good, or failed again: core's `planWriteFailure` decides the status, the event
 * and the backoff; this module carries them out. A failure seen once (a 5xx or 429 the next try may not meet) is
 * left to the caller's quiet retry instead.
 */
import { isKubeError, type KubeError, KubeErrorKind } from "@emqx-reconciler/adapters";
import type { EmqxStatus } from "@emqx-reconciler/api";
import {
  isFailureReported,
  type Plan,
  parsePriorStatus,
  planWriteFailure,
  type WriteFailure,
} from "@emqx-reconciler/core";
import { crRef } from "./readObserved.ts";
import { type Pass, recordEvents } from "./reconcileWrites.ts";

const WRITE_VERBS = new Set(["APPLY", "CREATE", "DELETE", "UPDATE", "PATCH"]);

/** The failed write a `KubeError` describes, or undefined when the error is not a write's (a read, a bug). */
export function writeFailureOf(error: unknown): WriteFailure | undefined {
  if (!isKubeError(error) || !error.request || !WRITE_VERBS.has(error.request.verb)) return undefined;
  const { verb, resource, kind, namespace, name } = error.request;
  return {
    verb: verb.toLowerCase(),
    kind: kind ?? resource,
    namespace,
    name,
    fields: error.fields,
    detail: error.detail,
  };
}

/**
 * Whether the failure is reported now: the apiserver refuses this write for good (terminal: an invalid object,
 * a typed-patch 500), or the same key failed on the previous try too, or a failure is already reported on the CR.
 */
export function shouldReport(error: KubeError, previousFailures: number, rawStatus: unknown): boolean {
  return (
    error.kind === KubeErrorKind.Terminal ||
    previousFailures > 0 ||
    isFailureReported(parsePriorStatus(rawStatus))
  );
}

/** What a failed pass writes and asks for. */
export interface FailureOutcome {
  status: EmqxStatus;
  requeueAfterSeconds: number;
}

/**
 * Writes the pass's status plus `ReconcileFailed` (the prior status plus the condition when the status write
 * itself failed) through `writeStatus`, records the Warning event when the failure is new, and returns the
 * backoff. A status write that fails again is logged: the event still says why. A status write refused because
 * the CR moved (`writeStatus` answers `false`) records no event and asks for a pass in `staleRetrySeconds`: that
 * pass reports the failure again, and its event is recorded once, together with the condition that remembers it.
 */
export async function reportWriteFailure(
  pass: Pass,
  p: Plan,
  failure: WriteFailure,
  writeStatus: (status: EmqxStatus) => Promise<boolean>,
  staleRetrySeconds: number,
): Promise<FailureOutcome> {
  const { cr, deps } = pass;
  const prior = parsePriorStatus(cr.status);
  const ownStatus = failure.kind === cr.kind && failure.verb === "update";
  const report = planWriteFailure({
    status: ownStatus ? prior : p.status,
    prior,
    failure,
    now: deps.clock.now(),
    generation: cr.metadata?.generation,
  });
  deps.logger.warn("Reconcile failed: a write keeps failing", {
    ...crRef(cr),
    error: report.status.conditions?.find((c) => c.type === "ReconcileFailed")?.message,
    retryInSeconds: report.requeueAfterSeconds,
  });
  try {
    if (!(await writeStatus(report.status))) {
      return { status: report.status, requeueAfterSeconds: staleRetrySeconds };
    }
  } catch (error) {
    deps.logger.warn("Failed to report the failure in the status", {
      ...crRef(cr),
      error: error instanceof Error ? error.message : String(error),
    });
  }
  await recordEvents(pass, report.events);
  return { status: report.status, requeueAfterSeconds: report.requeueAfterSeconds };
}
