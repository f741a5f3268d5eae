import { AdapterError } from "../errors.ts";

/**
 * What a caller should do about a failed Kubernetes request:
 * - `terminal`: retrying the same request cannot succeed (invalid object, namespace terminating); surface it.
 * - `retryable`: transient (429, 5xx, timeouts, connection failures, auth that may refresh); back off and retry.
 * - `conflict`: a precondition failed (stale resourceVersion or UID, AlreadyExists); re-read and retry soon.
 * - `not-found`: the object or its namespace does not exist.
 */
export const KubeErrorKind = {
  Terminal: "terminal",
  Retryable: "retryable",
  Conflict: "conflict",
  NotFound: "not-found",
} as const;
export type KubeErrorKind = (typeof KubeErrorKind)[keyof typeof KubeErrorKind];

/** Fields of a `KubeError` besides its message. */
export interface KubeErrorDetails {
  kind: KubeErrorKind;
  /** HTTP status; absent for transport failures. */
  status?: number;
  /** Kubernetes `Status.reason` (`Conflict`, `AlreadyExists`, `Invalid`, `Expired`, ...), or the transport code. */
  reason?: string;
  /** Seconds the server asked us to wait (429/503 `Retry-After`, or `Status.details.retryAfterSeconds`). */
  retryAfterSeconds?: number;
  /** The request that failed. */
  request?: RequestLabel;
  /** The answer without the request: `500 InternalError: …`, or the transport code. */
  detail?: string;
  /** Field paths the server named as the cause (`spec.replicas`, `spec.template.spec.containers[name="emqx"].env`). */
  fields?: string[];
  /** The server refused a create because the namespace is being deleted. */
  namespaceTerminating?: boolean;
}

/** A failed Kubernetes API request, classified once (see {@link classifyStatus}). */
export class KubeError extends AdapterError {
  readonly kind: KubeErrorKind;
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly request: RequestLabel | undefined;
  readonly fields: readonly string[];
  readonly detail: string;
  /** The server refused a create because the namespace is being deleted: nothing new can be made there. */
  readonly namespaceTerminating: boolean;

  constructor(message: string, details: KubeErrorDetails, options?: ErrorOptions) {
    super(message, options);
    this.name = "KubeError";
    this.kind = details.kind;
    this.status = details.status;
    this.reason = details.reason;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.request = details.request;
    this.fields = details.fields ?? [];
    this.detail = details.detail ?? message;
    this.namespaceTerminating = details.namespaceTerminating ?? false;
  }
}

/** The parts of a Kubernetes `Status` body we read. */
export interface KubeStatusBody {
  message?: string;
  reason?: string;
  details?: {
    retryAfterSeconds?: number;
    causes?: Array<{ type?: string; field?: string; message?: string }>;
  };
}

/** True when a 403/409/422 says the namespace is being deleted (no new objects can be created in it). */
function isNamespaceTerminating(body: KubeStatusBody | undefined): boolean {
  return (
    body?.details?.causes?.some((c) => c.type === "NamespaceTerminating") === true ||
    /because it is being terminated/.test(body?.message ?? "")
  );
}

/**
 * True when a server-side apply failed before touching anything because the body we sent cannot be read as a
 * typed object: `failed to create typed patch object (…): .spec…env: duplicate entries for key [name="…"]`. The
 * apiserver answers 500, but the same body fails the same way every time: only a different body can succeed.
 */
export function isUnreadableApplyBody(status: number, body: KubeStatusBody | undefined): boolean {
  return status === 500 && /failed to create typed patch object/.test(body?.message ?? "");
}

/** Maps an HTTP status and Kubernetes `Status` body to the action the caller should take. */
export function classifyStatus(status: number, body: KubeStatusBody | undefined): KubeErrorKind {
  if (isNamespaceTerminating(body)) return KubeErrorKind.Terminal;
  if (isUnreadableApplyBody(status, body)) return KubeErrorKind.Terminal;
  if (status === 404) return KubeErrorKind.NotFound;
  if (status === 409) return KubeErrorKind.Conflict;
  // 401/403: credentials may refresh or RBAC may be fixed; 410: a list/watch position expired, relist.
  if (status === 401 || status === 403 || status === 408 || status === 410 || status === 429) {
    return KubeErrorKind.Retryable;
  }
  if (status >= 500) return KubeErrorKind.Retryable;
  return KubeErrorKind.Terminal;
}

/**
 * Parses a `Retry-After` header: seconds (what kube-apiserver sends) or an HTTP date (what a proxy in front of
 * it may send), the latter as whole seconds from `now` (0 when already past).
 */
export function parseRetryAfter(
  header: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const at = /[a-z]{3}, \d{2} [a-z]{3} \d{4} /i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** What the request was, for messages: `PATCH statefulsets ns/name`. */
export interface RequestLabel {
  verb: string;
  resource: string;
  /** The object's kind (`StatefulSet`), when the request names one object. */
  kind?: string | undefined;
  namespace?: string | undefined;
  name?: string | undefined;
}

function describe(label: RequestLabel): string {
  const target = [label.namespace, label.name].filter(Boolean).join("/");
  return `${label.verb} ${label.resource}${target ? ` ${target}` : ""}`;
}

/** A path the apply machinery names in its message: `…: .spec.template.spec.containers[name="emqx"].env: …`. */
const APPLY_PATH = /: \.([^\s:]+): /;

/** The field paths of a `Status` body: its causes' fields, else the path in a typed-patch message. */
export function statusFields(body: KubeStatusBody | undefined): string[] {
  const causes = (body?.details?.causes ?? []).map((c) => c.field).filter((f): f is string => !!f);
  if (causes.length > 0) return [...new Set(causes)];
  const path = APPLY_PATH.exec(body?.message ?? "")?.[1];
  return path ? [path] : [];
}

/** Longest server message we copy into an error (server messages can echo parts of the object). */
const MAX_MESSAGE = 512;

/**
 * Builds the `KubeError` for an HTTP error response. For Secrets the server's message is left out and only the
 * offending field paths are kept, so no Secret value can reach a log, Event or status through an error.
 */
export function errorFromResponse(
  label: RequestLabel,
  status: number,
  body: KubeStatusBody | undefined,
  retryAfterHeader?: string | string[],
): KubeError {
  const kind = classifyStatus(status, body);
  const retryAfterSeconds = parseRetryAfter(retryAfterHeader) ?? body?.details?.retryAfterSeconds;
  const serverText =
    label.resource === "secrets"
      ? (body?.details?.causes ?? [])
          .map((c) => c.field)
          .filter(Boolean)
          .join(", ")
      : (body?.message ?? "").slice(0, MAX_MESSAGE);
  const reason = body?.reason;
  const detail = `${status}${reason ? ` ${reason}` : ""}${serverText ? `: ${serverText}` : ""}`;
  const fields = statusFields(body);
  return new KubeError(`${describe(label)}: ${detail}`, {
    kind,
    status,
    reason,
    retryAfterSeconds,
    request: label,
    fields,
    detail,
    namespaceTerminating: isNamespaceTerminating(body),
  });
}

/** Builds the `KubeError` for a request that got no HTTP response (refused, reset, DNS, timeout). */
export function errorFromTransport(label: RequestLabel, cause: unknown): KubeError {
  const code = transportCode(cause);
  return new KubeError(
    `${describe(label)}: ${code}`,
    { kind: KubeErrorKind.Retryable, reason: code, request: label, detail: code },
    { cause },
  );
}

/** A short code for a transport failure: the errno/undici code, or `Timeout` for an aborted request. */
export function transportCode(cause: unknown): string {
  if (cause instanceof Error) {
    if (cause.name === "TimeoutError" || cause.name === "AbortError") return "Timeout";
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const inner = (cause as { cause?: unknown }).cause;
    if (inner !== undefined) return transportCode(inner);
    return cause.name;
  }
  return "TransportError";
}

/** True when `err` is the server refusing a create because the namespace is being deleted. */
export function isNamespaceTerminatingError(err: unknown): err is KubeError {
  return err instanceof KubeError && err.namespaceTerminating;
}

/** True for a `KubeError` of the given kind (a convenience for `catch` blocks). */
export function isKubeError(err: unknown, kind?: KubeErrorKind): err is KubeError {
  return err instanceof KubeError && (kind === undefined || err.kind === kind);
}
