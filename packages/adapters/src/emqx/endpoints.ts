import { childNames } from "@emqx-reconciler/api";
import type { HttpPool } from "../http/types.ts";
import type { KubeGateway } from "../kube/KubeGateway.ts";
import { directTarget, type EmqxTarget, proxyTarget } from "./transport.ts";

/** Scheme and port of the dashboard listener, derived by the caller from the CR's `config.data`. */
export interface DashboardListener {
  scheme: "http" | "https";
  port: number;
}

/**
 * How to reach a cluster's EMQX API:
 * - `pod-ip`: straight to the ready core pods' IPs, like the operator (needs pod-network reachability). Every
 *   call starts at candidate `start` (rotate it, or pass a seeded random value) and fails over to the next, so no
 *   single pod is pinned.
 * - `service`: the `<name>-dashboard.<ns>.svc` Service.
 * - `apiserver-proxy`: through the kube-apiserver's service proxy with the gateway's credentials. The API server
 *   strips `Authorization`, so only unauthenticated calls (availability checks) work in this mode.
 * - `url`: an explicit base URL (a port-forward, an ingress, a test server).
 */
export type EmqxEndpoint =
  | ({ mode: "pod-ip"; podIPs: readonly string[]; start?: number } & DashboardListener)
  | ({ mode: "service"; name: string; namespace: string } & DashboardListener)
  | ({ mode: "apiserver-proxy"; name: string; namespace: string; gateway: KubeGateway } & DashboardListener)
  | { mode: "url"; url: string };

function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The API server's proxy path to a Service (`scheme:name:port` form). */
export function serviceProxyPath(namespace: string, service: string, l: DashboardListener): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${l.scheme}:${service}:${l.port}/proxy`;
}

/** The API server's proxy path to one pod. */
export function podProxyPath(namespace: string, pod: string, l: DashboardListener): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${l.scheme}:${pod}:${l.port}/proxy`;
}

/** The targets of one call, in the order to try them. */
export function targetsOf(endpoint: EmqxEndpoint, pool: HttpPool): EmqxTarget[] {
  switch (endpoint.mode) {
    case "pod-ip": {
      const ips = endpoint.podIPs;
      const start = Math.abs(Math.trunc(endpoint.start ?? 0));
      return ips.map((_, i) => {
        const ip = ips[(start + i) % ips.length] as string;
        return directTarget(`${endpoint.scheme}://${hostPort(ip, endpoint.port)}`, pool);
      });
    }
    case "service": {
      const host = `${childNames(endpoint.name).dashboard}.${endpoint.namespace}.svc`;
      return [directTarget(`${endpoint.scheme}://${hostPort(host, endpoint.port)}`, pool)];
    }
    case "apiserver-proxy": {
      const path = serviceProxyPath(endpoint.namespace, childNames(endpoint.name).dashboard, endpoint);
      return [proxyTarget(endpoint.gateway, path)];
    }
    case "url":
      return [directTarget(endpoint.url, pool)];
  }
}

/** The target that reaches one pod itself (availability checks must ask the pod, not any node). */
export function podTarget(
  endpoint: EmqxEndpoint,
  pod: { ip: string; name?: string },
  pool: HttpPool,
): EmqxTarget {
  if (endpoint.mode === "apiserver-proxy") {
    if (!pod.name) throw new Error("availabilityCheck in apiserver-proxy mode needs the pod name");
    return proxyTarget(endpoint.gateway, podProxyPath(endpoint.namespace, pod.name, endpoint));
  }
  const listener: DashboardListener =
    endpoint.mode === "url" ? listenerOfUrl(endpoint.url) : { scheme: endpoint.scheme, port: endpoint.port };
  return directTarget(`${listener.scheme}://${hostPort(pod.ip, listener.port)}`, pool);
}

function listenerOfUrl(url: string): DashboardListener {
  const u = new URL(url);
  const scheme = u.protocol === "https:" ? "https" : "http";
  return { scheme, port: u.port ? Number(u.port) : scheme === "https" ? 443 : 80 };
}
