import type { HttpBody, HttpHeaders, HttpPool } from "../http/types.ts";
import type { KubeGateway } from "../kube/KubeGateway.ts";
import { EmqxApiError, EmqxApiErrorKind } from "./errors.ts";

/** One HTTP exchange with the EMQX API; `path` starts with `/`. */
export interface EmqxHttpRequest {
  method: "GET" | "PUT" | "POST" | "DELETE";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** The answer, whatever its status, with the body read in full (within the size bound). */
export interface EmqxHttpResponse {
  status: number;
  contentType: string;
  text: string;
}

/** Limits applied to every exchange. */
export interface ExchangeLimits {
  timeoutMs: number;
  maxBodyBytes: number;
}

/** Where requests go: one base URL, or the API server's proxy. `label` names it in errors (no credentials). */
export interface EmqxTarget {
  label: string;
  send(req: EmqxHttpRequest, limits: ExchangeLimits): Promise<EmqxHttpResponse>;
}

/** Reads a response body, failing once it passes `max` bytes or is cut off, never buffering more than `max`. */
async function readBounded(
  body: HttpBody,
  headers: HttpHeaders,
  max: number,
  where: string,
): Promise<string> {
  const declared = Number(headers["content-length"] ?? Number.NaN);
  if (declared > max) {
    body.destroy();
    throw new EmqxApiError(
      EmqxApiErrorKind.BadResponse,
      `${where}: body of ${declared} bytes exceeds ${max}`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > max) {
      body.destroy();
      throw new EmqxApiError(EmqxApiErrorKind.BadResponse, `${where}: body exceeds ${max} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** OpenSSL / Node codes of a certificate that did not verify (chain, name or validity). */
const CERTIFICATE_ERRORS: ReadonlySet<string> = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_SIGNATURE_FAILURE",
  "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function describeCertificateError(code: string, err: unknown): string {
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID" || code === "HOSTNAME_MISMATCH") {
    const detail = err instanceof Error ? messageWithCode(err, code) : undefined;
    return `certificate names none of the accepted hosts (${code}${detail ? `: ${detail}` : ""})`;
  }
  return `certificate did not verify against the trusted CA (${code})`;
}

function messageWithCode(err: Error, code: string): string | undefined {
  if ((err as { code?: unknown }).code === code) return err.message.slice(0, 300);
  return err.cause instanceof Error ? messageWithCode(err.cause, code) : undefined;
}

/**
 * Turns a thrown transport error into an `EmqxApiError`: `timeout` when our deadline fired, `untrusted-certificate`
 * when the server's certificate did not verify, else `unavailable` (or `bad-response` once the body was being read).
 */
export function transportError(
  where: string,
  err: unknown,
  signal: AbortSignal,
  reading: boolean,
): EmqxApiError {
  if (err instanceof EmqxApiError) return err;
  if (signal.aborted)
    return new EmqxApiError(EmqxApiErrorKind.Timeout, `${where}: timed out`, {}, { cause: err });
  const code = codeOf(err);
  if (CERTIFICATE_ERRORS.has(code)) {
    return new EmqxApiError(
      EmqxApiErrorKind.UntrustedCertificate,
      `${where}: ${describeCertificateError(code, err)}`,
      {},
      { cause: err },
    );
  }
  if (reading) {
    return new EmqxApiError(
      EmqxApiErrorKind.BadResponse,
      `${where}: body cut off (${code})`,
      {},
      { cause: err },
    );
  }
  return new EmqxApiError(EmqxApiErrorKind.Unavailable, `${where}: ${code}`, {}, { cause: err });
}

function codeOf(err: unknown): string {
  if (!(err instanceof Error)) return "transport error";
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") return code;
  return err.cause !== undefined ? codeOf(err.cause) : err.message;
}

/** Sends through `pool` with a deadline covering headers and body. */
async function exchange(
  pool: HttpPool,
  url: string,
  req: EmqxHttpRequest,
  limits: ExchangeLimits,
  where: string,
): Promise<EmqxHttpResponse> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let reading = false;
  try {
    const res = await pool.request(url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal,
    });
    reading = true;
    const text = await readBounded(res.body, res.headers, limits.maxBodyBytes, where);
    return { status: res.statusCode, contentType: String(res.headers["content-type"] ?? ""), text };
  } catch (err) {
    throw transportError(where, err, signal, reading);
  }
}

/** A target at a fixed base URL (`http://<podIP>:18083`, the dashboard Service, or an explicit URL). */
export function directTarget(baseUrl: string, pool: HttpPool): EmqxTarget {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    label: base,
    send: (req, limits) => exchange(pool, base + req.path, req, limits, `${req.method} ${base}${req.path}`),
  };
}

/**
 * A target reached through the kube-apiserver's proxy (`/api/v1/namespaces/<ns>/services/<svc>:<port>/proxy`),
 * with the gateway's credentials. The API server consumes the `Authorization` header and does not forward it
 * (kubernetes/kubernetes#38775), so only EMQX endpoints without auth can be reached this way.
 */
export function proxyTarget(gateway: KubeGateway, proxyPath: string): EmqxTarget {
  return {
    label: `apiserver${proxyPath}`,
    async send(req, limits) {
      const where = `${req.method} apiserver${proxyPath}${req.path}`;
      const signal = AbortSignal.timeout(limits.timeoutMs);
      let reading = false;
      try {
        const res = await gateway.proxy({
          method: req.method,
          label: { verb: req.method, resource: "services/proxy" },
          path: proxyPath + req.path,
          body: req.body,
          headers: req.headers,
          timeoutMs: limits.timeoutMs,
        });
        reading = true;
        const text = await readBounded(res.body, res.headers, limits.maxBodyBytes, where);
        return { status: res.statusCode, contentType: String(res.headers["content-type"] ?? ""), text };
      } catch (err) {
        if (err instanceof Error && err.name === "KubeError") {
          throw new EmqxApiError(
            EmqxApiErrorKind.Unavailable,
            `${where}: ${err.message}`,
            {},
            { cause: err },
          );
        }
        throw transportError(where, err, signal, reading);
      }
    },
  };
}
