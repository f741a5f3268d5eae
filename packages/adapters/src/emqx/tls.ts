/**
 * Connections to an https-only EMQX dashboard: the chain is verified against the CA bundle the CR trusts (or the
 * platform's default roots when it names none), and the certificate must name the address called or one of the
 * accepted server names (the dashboard Service's DNS names: pod IPs are rarely in a user's certificate).
 * Verification is never disabled.
 */
import type { PeerCertificate } from "node:tls";
import { createNodePool } from "../http/nodePool.ts";
import type { HttpPool } from "../http/types.ts";

/** What one cluster's dashboard certificate is checked against. Holds CA data: never log it. */
export interface DashboardTrust {
  /** PEM CA bundle; undefined trusts the platform's default roots only. */
  ca?: string;
  /** Host names accepted besides the address called (`<name>-dashboard.<ns>.svc`, …). */
  serverNames: readonly string[];
}

/**
 * The identity check: the certificate must name `host` (the pod IP or Service host called) or one of
 * `serverNames`, by Node's own rules (SAN DNS/IP entries, one-label wildcards). Returns the error to fail with.
 */
export function checkDashboardIdentity(
  serverNames: readonly string[],
): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => {
    // Called only on a TLS connection, so `node:tls` is loaded by then.
    const { checkServerIdentity } = process.getBuiltinModule("node:tls");
    const first = checkServerIdentity(host, cert);
    if (!first) return undefined;
    if (serverNames.some((name) => checkServerIdentity(name, cert) === undefined)) return undefined;
    const error = new Error(
      `certificate (${cert.subjectaltname ?? `CN=${cert.subject?.CN ?? "?"}`}) names neither ${host} nor ${serverNames.join(", ")}`,
    ) as Error & { code: string };
    error.code = "ERR_TLS_CERT_ALTNAME_INVALID";
    return error;
  };
}

/** Options of {@link createDashboardPool}. */
export interface DashboardPoolOptions {
  /** Idle keep-alive of pooled connections. @default 4_000 */
  keepAliveTimeoutMs?: number;
}

/** A connection pool that verifies every TLS connection with `trust` (plain http passes through unchanged). */
export function createDashboardPool(trust: DashboardTrust, options: DashboardPoolOptions = {}): HttpPool {
  return createNodePool({
    ...(options.keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs: options.keepAliveTimeoutMs } : {}),
    tls: {
      ...(trust.ca !== undefined ? { ca: trust.ca } : {}),
      rejectUnauthorized: true,
      checkServerIdentity: checkDashboardIdentity(trust.serverNames),
    },
  });
}
