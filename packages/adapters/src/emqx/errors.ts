import { AdapterError } from "../errors.ts";

/**
 * What went wrong talking to the EMQX API:
 * - `unauthorized`: 401/403; the bootstrap key is wrong, missing from EMQX or lacks the role.
 * - `unavailable`: 5xx, connection refused/reset, or every candidate endpoint failed.
 * - `timeout`: no complete answer within the per-request timeout (treat as unknown, not down).
 * - `bad-response`: the body failed parsing or its schema, was too large, or was cut off.
 * - `rejected`: another 4xx; EMQX refused the request itself (e.g. an invalid config on PUT /configs).
 * - `untrusted-certificate`: the https dashboard's certificate failed verification (unknown CA, a name that is
 *   neither the address called nor the dashboard Service, expired), or its CA bundle could not be read. Not failed
 *   over: every node serves the same certificate.
 */
export const EmqxApiErrorKind = {
  Unauthorized: "unauthorized",
  Unavailable: "unavailable",
  Timeout: "timeout",
  BadResponse: "bad-response",
  Rejected: "rejected",
  UntrustedCertificate: "untrusted-certificate",
} as const;
export type EmqxApiErrorKind = (typeof EmqxApiErrorKind)[keyof typeof EmqxApiErrorKind];

/** A failed EMQX API call. Messages name the request and the endpoint, never the credentials. */
export class EmqxApiError extends AdapterError {
  readonly kind: EmqxApiErrorKind;
  /** HTTP status when there was an answer. */
  readonly status: number | undefined;
  /** EMQX's error `code` (`BAD_API_KEY_OR_SECRET`, `NOT_FOUND`, ...) when the body had one. */
  readonly code: string | undefined;

  constructor(
    kind: EmqxApiErrorKind,
    message: string,
    details: { status?: number; code?: string } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "EmqxApiError";
    this.kind = kind;
    this.status = details.status;
    this.code = details.code;
  }
}

/** Maps an HTTP error status to its kind. */
export function kindOfStatus(status: number): EmqxApiErrorKind {
  if (status === 401 || status === 403) return EmqxApiErrorKind.Unauthorized;
  if (status >= 500) return EmqxApiErrorKind.Unavailable;
  return EmqxApiErrorKind.Rejected;
}
