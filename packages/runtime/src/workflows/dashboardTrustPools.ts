/**
 * The TLS side of reaching a CR's https-only EMQX API: the CA bundle the CR trusts, read from its Secret and kept
 * for a minute (a status refresh every 10 s must not cost a Secret read each), read again at once after the
 * certificate failed to verify (`forget`), so a Secret that appears or changes is used at the next pass after
 * that; a Secret the annotation names but that cannot be read is never kept. One verifying connection pool per CR,
 * kept while the bundle and names stay the same. CA data never reaches a log or an error message.
 */

import { createHash } from "node:crypto";
import {
  createDashboardPool,
  type DashboardTrust,
  EmqxApiError,
  EmqxApiErrorKind,
  type HttpPool,
} from "@emqx-reconciler/adapters";
import { ANNOTATION_DASHBOARD_CA_SECRET, monotonicMs } from "@emqx-reconciler/api";
import type { EmqxApiTarget, KubePort } from "../ports.ts";

/** Hands out the verifying pool of one CR's https dashboard. */
export interface DashboardTrustPools {
  /** The pool for `target`; throws an `untrusted-certificate` `EmqxApiError` when a named CA cannot be read. */
  poolFor(target: EmqxApiTarget): Promise<HttpPool>;
  /** Reads the CR's CA Secret again at its next open (its certificate did not verify). */
  forget(namespace: string, name: string): void;
}

/** How long a CA bundle read from its Secret is used before it is read again. */
export const CA_READ_TTL_MS = 60_000;

function untrusted(message: string): EmqxApiError {
  return new EmqxApiError(EmqxApiErrorKind.UntrustedCertificate, message);
}

/**
 * The CA bundle of `target`: the named Secret's key. A Secret or key named by the annotation must exist and hold
 * PEM certificates; the default (`ca.crt` of the certificate's own Secret) is simply skipped when absent, leaving
 * the platform's default roots.
 */
async function readCa(kube: Pick<KubePort, "getSecret">, target: EmqxApiTarget): Promise<string | undefined> {
  const source = target.tls?.caSource;
  if (!source) return undefined;
  const where = `Secret ${target.namespace}/${source.secretName}`;
  const named = source.origin === "annotation";
  const why = named ? ` (named by annotation ${ANNOTATION_DASHBOARD_CA_SECRET})` : "";
  const data = await kube.getSecret(target.namespace, source.secretName);
  if (!data) {
    if (named) throw untrusted(`no trusted CA: ${where}${why} does not exist`);
    return undefined;
  }
  const ca = data[source.key];
  if (!ca?.trim()) {
    if (named) throw untrusted(`no trusted CA: ${where}${why} has no key ${source.key}`);
    return undefined;
  }
  if (!ca.includes("-----BEGIN CERTIFICATE-----"))
    throw untrusted(`no trusted CA: key ${source.key} of ${where}${why} is not a PEM certificate bundle`);
  return ca;
}

/** Verifying pools per CR, at most `limit` of them (the oldest closed first). */
export function createDashboardTrustPools(
  kube: Pick<KubePort, "getSecret">,
  limit: number,
  now: () => number = monotonicMs,
): DashboardTrustPools {
  const pools = new Map<string, { fingerprint: string; pool: HttpPool }>();
  /** The CA last read per CR, with where it was read from and when. */
  const reads = new Map<string, { source: string; ca: string | undefined; at: number }>();
  const retire = (pool: HttpPool) => void pool.close().catch(() => undefined);
  async function caOf(key: string, target: EmqxApiTarget): Promise<string | undefined> {
    const source = JSON.stringify(target.tls?.caSource ?? null);
    const kept = reads.get(key);
    if (kept && kept.source === source && now() - kept.at < CA_READ_TTL_MS) return kept.ca;
    reads.delete(key);
    const ca = await readCa(kube, target);
    reads.set(key, { source, ca, at: now() });
    if (reads.size > limit) reads.delete(reads.keys().next().value as string);
    return ca;
  }
  return {
    forget(namespace, name) {
      reads.delete(`${namespace}/${name}`);
    },
    async poolFor(target) {
      const ca = await caOf(`${target.namespace}/${target.name}`, target);
      const trust: DashboardTrust = {
        ...(ca !== undefined ? { ca } : {}),
        serverNames: target.tls?.serverNames ?? [],
      };
      const fingerprint = createHash("sha256")
        .update(`${ca ?? ""}\n${trust.serverNames.join(",")}`)
        .digest("hex");
      const key = `${target.namespace}/${target.name}`;
      const hit = pools.get(key);
      if (hit?.fingerprint === fingerprint) return hit.pool;
      if (hit) retire(hit.pool);
      pools.delete(key);
      const pool = createDashboardPool(trust);
      pools.set(key, { fingerprint, pool });
      if (pools.size > limit) {
        const [oldest, entry] = pools.entries().next().value as [string, { pool: HttpPool }];
        pools.delete(oldest);
        retire(entry.pool);
      }
      return pool;
    },
  };
}
