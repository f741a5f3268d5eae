/**
 * Turns a Kubernetes Pod into the facts an emulated EMQX node needs: which cluster it joins, its Erlang node
 * name, role, version, dashboard port and start time. Node names follow the Docker entrypoint's rules:
 * `EMQX_NODE_NAME`/`EMQX_NODE__NAME` win, else `<EMQX_NAME|emqx>@<EMQX_HOST>`, else a
 * core with `EMQX_CLUSTER__DNS__NAME` gets `<pod>.<dns name>`, else the pod IP.
 */
import type { V1Container, V1EnvVar, V1Pod } from "@kubernetes/client-node";
import { computeVersionInfo, type VersionInfo } from "./versions.ts";

/** The label that groups pods into one EMQX cluster (the operator's `apps.emqx.io/instance`). */
export const INSTANCE_LABEL = "apps.emqx.io/instance";
/** Dashboard port EMQX listens on when nothing says otherwise. */
export const DEFAULT_DASHBOARD_PORT = 18083;

/** Node role as EMQX reports it. */
export type NodeRole = "core" | "replicant";

/** What one running EMQX pod contributes to its emulated cluster. */
export interface PodFacts {
  /** `namespace/pod` */
  readonly podKey: string;
  readonly uid: string;
  /** `namespace/instance` */
  readonly clusterKey: string;
  readonly namespace: string;
  readonly clusterName: string;
  readonly podName: string;
  readonly ip: string;
  /** Dashboard HTTP port, or 0 when the HTTP listener is disabled. */
  readonly port: number;
  readonly nodeName: string;
  readonly role: NodeRole;
  readonly versionInfo: VersionInfo;
  /** Epoch ms when the EMQX container started: the origin of `uptime`. */
  readonly startedAt: number;
  /** Resolved literal environment of the EMQX container (secret references are not resolved). */
  readonly env: Readonly<Record<string, string>>;
}

/** Returns the facts of a pod that runs EMQX now, or undefined for pods that are not (or no longer) running. */
export function computePodFacts(pod: V1Pod, now: number): PodFacts | undefined {
  const meta = pod.metadata;
  const clusterName = meta?.labels?.[INSTANCE_LABEL];
  const ip = pod.status?.podIP;
  if (!meta?.name || !meta.namespace || !clusterName || !ip) return undefined;
  if (pod.status?.phase !== "Running" || meta.deletionTimestamp) return undefined;
  const container = pickEmqxContainer(pod.spec?.containers ?? []);
  if (!container) return undefined;
  const env = resolveEnv(container.env ?? [], pod, ip);
  const role: NodeRole =
    (env.EMQX_NODE__ROLE ?? meta.labels?.["apps.emqx.io/db-role"]) === "replicant" ? "replicant" : "core";
  return {
    podKey: `${meta.namespace}/${meta.name}`,
    uid: meta.uid ?? "",
    clusterKey: `${meta.namespace}/${clusterName}`,
    namespace: meta.namespace,
    clusterName,
    podName: meta.name,
    ip,
    port: computeDashboardPort(container, env),
    nodeName: computeNodeName(env, role, meta.name, ip),
    role,
    versionInfo: computeVersionInfo(container.image ?? ""),
    startedAt: computeStartedAt(pod, container.name, now),
    env,
  };
}

function pickEmqxContainer(containers: readonly V1Container[]): V1Container | undefined {
  return containers.find((c) => c.name === "emqx") ?? containers[0];
}

/** Kubernetes env semantics: literal values with `$(VAR)` expansion of earlier vars, plus pod fieldRefs. */
function resolveEnv(vars: readonly V1EnvVar[], pod: V1Pod, ip: string): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    "metadata.name": pod.metadata?.name,
    "metadata.namespace": pod.metadata?.namespace,
    "metadata.uid": pod.metadata?.uid,
    "status.podIP": ip,
    "spec.nodeName": pod.spec?.nodeName,
  };
  const env: Record<string, string> = {};
  for (const v of vars) {
    if (v.value !== undefined)
      env[v.name] = v.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n) => env[n] ?? m);
    const field = v.valueFrom?.fieldRef?.fieldPath;
    const fieldValue = field ? fields[field] : undefined;
    if (fieldValue !== undefined) env[v.name] = fieldValue;
  }
  return env;
}

function computeNodeName(env: Record<string, string>, role: NodeRole, podName: string, ip: string): string {
  const explicit = env.EMQX_NODE_NAME ?? env.EMQX_NODE__NAME;
  if (explicit) return unquote(explicit);
  const dnsName = env.EMQX_CLUSTER__DNS__NAME;
  const host = env.EMQX_HOST ?? (role === "core" && dnsName ? `${podName}.${dnsName}` : ip);
  return `${env.EMQX_NAME ?? "emqx"}@${host}`;
}

/** The port of `EMQX_DASHBOARD__LISTENERS__HTTP__BIND` (`18083`, `"0.0.0.0:18083"`, `[::]:18083`), else the `dashboard` container port. */
function computeDashboardPort(container: V1Container, env: Record<string, string>): number {
  const bind = env.EMQX_DASHBOARD__LISTENERS__HTTP__BIND;
  if (bind !== undefined) {
    const port = Number(unquote(bind).split(":").at(-1));
    if (Number.isInteger(port) && port >= 0 && port < 65536) return port;
  }
  return container.ports?.find((p) => p.name === "dashboard")?.containerPort ?? DEFAULT_DASHBOARD_PORT;
}

function computeStartedAt(pod: V1Pod, containerName: string, now: number): number {
  const status = pod.status?.containerStatuses?.find((s) => s.name === containerName);
  const started = status?.state?.running?.startedAt ?? pod.status?.startTime;
  const ms = started ? new Date(started).getTime() : Number.NaN;
  return Number.isFinite(ms) ? Math.min(ms, now) : now;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}
