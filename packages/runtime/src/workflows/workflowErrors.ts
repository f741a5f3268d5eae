/**
 * The workflows' error family: a failed pass is classified once, here, so every runtime (embedded queue, Lambda
 * with SQS or EventBridge retries) treats it the same way.
 */
import { EmqxApiError, isKubeError, KubeErrorKind } from "@emqx-reconciler/adapters";

/**
 * A pass that could not finish. `retryable`: transient (429, 5xx, timeouts, connection failures); the caller
 * backs off and runs the key again. `terminal`: retrying the same input cannot succeed; do not retry until the
 * input changes (a Warning event and a condition on the CR already say why).
 */
export class WorkflowError extends Error {
  readonly kind: "retryable" | "terminal";
  /** Seconds the server asked us to wait (429 `Retry-After`), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    message: string,
    details: { kind: "retryable" | "terminal"; retryAfterSeconds?: number | undefined },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "WorkflowError";
    this.kind = details.kind;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** For the work queue's `isTerminal`: terminal workflow failures are reported, not retried. */
export function isTerminalWorkflowError(error: unknown): boolean {
  return error instanceof WorkflowError && error.kind === "terminal";
}

/** Longest `Retry-After` honoured; a server asking for more is retried after this long. */
const MAX_RETRY_AFTER_MS = 300_000;

/**
 * For the work queue's `retryAfterMs`: the wait the apiserver asked for (429/503 `Retry-After`, or the `Status`
 * body's `retryAfterSeconds`), carried by a `WorkflowError` or a `KubeError`, capped at 5 minutes.
 */
export function workflowRetryAfterMs(error: unknown): number | undefined {
  const seconds =
    error instanceof WorkflowError
      ? error.retryAfterSeconds
      : isKubeError(error)
        ? error.retryAfterSeconds
        : undefined;
  return seconds === undefined ? undefined : Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
}

/** True for failures that mean "what we read moved under us": re-read and run again soon, quietly. */
export function isStaleReadError(error: unknown): boolean {
  return isKubeError(error, KubeErrorKind.Conflict) || isKubeError(error, KubeErrorKind.NotFound);
}

/**
 * Wraps a transient failure (a retryable `KubeError`, or anything unclassified) as a retryable `WorkflowError`
 * naming where it happened; the message of a `KubeError` never carries Secret values.
 */
export function retryableFailure(where: string, error: unknown): WorkflowError {
  if (error instanceof WorkflowError) return error;
  const retryAfterSeconds = isKubeError(error) ? error.retryAfterSeconds : undefined;
  const detail = isKubeError(error) || error instanceof EmqxApiError ? error.message : String(error);
  return new WorkflowError(`${where}: ${detail}`, { kind: "retryable", retryAfterSeconds }, { cause: error });
}
