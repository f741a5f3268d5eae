import { AdapterError } from "../errors.ts";

/**
 * What a caller should do about a failed AWS call:
 * - `retryable`: throttling, a 5xx, a network failure; back off and try again.
 * - `terminal`: the request itself is wrong or not allowed (access denied, validation); retrying cannot help.
 * - `invalid-registry`: the cluster registry is missing or fails its schema; the message names the field.
 */
export const AwsErrorKind = {
  Retryable: "retryable",
  Terminal: "terminal",
  InvalidRegistry: "invalid-registry",
} as const;
export type AwsErrorKind = (typeof AwsErrorKind)[keyof typeof AwsErrorKind];

/** A failed AWS call or bad AWS-side configuration, classified once where it happened. */
export class AwsError extends AdapterError {
  readonly kind: AwsErrorKind;
  /** The AWS error code (`ThrottlingException`, `ParameterNotFound`, ...) when there was one. */
  readonly code: string | undefined;

  constructor(kind: AwsErrorKind, message: string, options?: ErrorOptions & { code?: string }) {
    super(message, options);
    this.name = "AwsError";
    this.kind = kind;
    this.code = options?.code;
  }
}

const RETRYABLE_CODES = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestThrottled",
  "InternalFailure",
  "InternalException",
  "InternalError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "KMSThrottlingException",
]);

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

/** True for errors worth a retry: the SDK's own `$retryable` mark, a known code, a 5xx or 429, or a network failure. */
export function isRetryableAwsError(error: unknown): boolean {
  if (error instanceof AwsError) return error.kind === AwsErrorKind.Retryable;
  if (!(error instanceof Error)) return false;
  const e = error as Error & {
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    code?: unknown;
  };
  if (e.$retryable || RETRYABLE_CODES.has(e.name) || e.name === "TimeoutError") return true;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

/** Wraps an SDK error into an `AwsError` whose message says what we were doing. */
export function toAwsError(doing: string, error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  const code = error instanceof Error ? error.name : undefined;
  const kind = isRetryableAwsError(error) ? AwsErrorKind.Retryable : AwsErrorKind.Terminal;
  const detail = error instanceof Error ? error.message : String(error);
  return new AwsError(kind, `${doing} failed: ${code ? `${code}: ` : ""}${detail}`, { cause: error, code });
}
