/**
 * The real `EmqxApiFactory`: an `EmqxApiClient` per CR with the controller's bootstrap key, in the cluster's
 * endpoint mode. Credentials are cached per CR (a warm Lambda or the embedded process reads the Secret once), keyed
 * by the Secret's resourceVersion when the caller knows it, and forgotten after a 401. An https dashboard is reached
 * through a per-CR pool that verifies its certificate against the CA the CR trusts (`dashboardTrustPools.ts`).
 */
import {
  type BasicCredential,
  EmqxApiClient,
  type EmqxApiClientOptions,
  type EmqxEndpoint,
} from "@emqx-reconciler/adapters";
import type { EmqxApiFactory, EmqxApiTarget, KubePort } from "../ports.ts";
import { createDashboardTrustPools } from "./dashboardTrustPools.ts";

/**
 * How this cluster's EMQX APIs are reached: straight to the ready core pods' IPs (the operator's way,
 * failing over between them), through the `<name>-dashboard` Service, or at an explicit URL per CR.
 */
export type EndpointMode = "pod-ip" | "service" | { url: (target: EmqxApiTarget) => string };

/** Options of {@link createEmqxApiFactory}. */
export interface EmqxApiFactoryOptions {
  /** `getSecret` reads the CA bundle of https dashboards. */
  kube: Pick<KubePort, "readBootstrapCredential" | "getSecret">;
  /** @default "pod-ip" */
  mode?: EndpointMode;
  /** Deadline of one EMQX request. @default 10_000 (the operator 2.3's) */
  timeoutMs?: number;
  /** Connection pool of plain-http dashboards. @default the process-wide pool (https ones get their own) */
  pool?: EmqxApiClientOptions["pool"];
  /** Credentials remembered at most (oldest dropped first). @default 4096 */
  cacheSize?: number;
}

interface Cached {
  version: string | undefined;
  credential: BasicCredential;
}

function endpointFor(mode: EndpointMode, target: EmqxApiTarget, start: number): EmqxEndpoint {
  if (mode === "pod-ip") return { mode, podIPs: target.cores.map((c) => c.podIP), start, ...target.listener };
  if (mode === "service") return { mode, name: target.name, namespace: target.namespace, ...target.listener };
  return { mode: "url", url: mode.url(target) };
}

/** Builds the factory the workflows use in production and on the sandbox. */
export function createEmqxApiFactory(options: EmqxApiFactoryOptions): EmqxApiFactory {
  const cache = new Map<string, Cached>();
  const limit = options.cacheSize ?? 4096;
  const mode = options.mode ?? "pod-ip";
  let rotation = 0;
  const trustPools = createDashboardTrustPools(options.kube, limit);

  async function credentialOf(target: EmqxApiTarget): Promise<BasicCredential | undefined> {
    const key = `${target.namespace}/${target.name}`;
    const hit = cache.get(key);
    if (hit && (target.credentialVersion === undefined || hit.version === target.credentialVersion)) {
      return hit.credential;
    }
    const credential = await options.kube.readBootstrapCredential(target.namespace, target.name);
    cache.delete(key);
    if (!credential) return undefined;
    cache.set(key, { version: target.credentialVersion, credential });
    if (cache.size > limit) cache.delete(cache.keys().next().value as string);
    return credential;
  }

  return {
    async open(target) {
      const credential = await credentialOf(target);
      if (!credential) return undefined;
      rotation = (rotation + 1) % 1_000_000;
      const endpoint = endpointFor(mode, target, rotation);
      const https = endpoint.mode === "url" ? endpoint.url.startsWith("https:") : endpoint.scheme === "https";
      const pool = https ? await trustPools.poolFor(target) : options.pool;
      return new EmqxApiClient({
        endpoint,
        credential,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(pool ? { pool } : {}),
      });
    },
    forget(namespace, name) {
      cache.delete(`${namespace}/${name}`);
      trustPools.forget(namespace, name);
    },
  };
}
