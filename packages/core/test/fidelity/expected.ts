/**
 * Whole expected children, assembled by hand from the reference tables in `operator.ts` plus what each case says
 * differs. A case states its differences explicitly; nothing is derived from our builders.
 */
import type {
  V1Container,
  V1ContainerPort,
  V1EnvVar,
  V1PersistentVolumeClaim,
  V1PodSpec,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import {
  CORE_LABELS,
  DEFAULT_CONTAINER_SECURITY_CONTEXT,
  DEFAULT_LABELS,
  DEFAULT_LIVENESS,
  DEFAULT_POD_SECURITY_CONTEXT,
  DEFAULT_READINESS,
  HASH_LABEL,
  HTTP_BIND,
  IMAGE,
  NAME,
  NAMESPACE,
  OWNER_REFS,
  operatorEnv,
  operatorMounts,
  operatorVolumes,
  REPLICANT_LABELS,
} from "./operator.ts";

/** What one role's pods look like in a case, relative to the operator's defaults. */
export interface PodExpectation {
  replicas: number;
  /** Labels after the role labels (keep-first already applied by hand). */
  extraLabels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Container ports; default `[dashboard 18083/TCP]`. */
  ports?: V1ContainerPort[] | null;
  /** The prepended dashboard variables; default `[HTTP_BIND 18083]`. */
  dashboardEnv?: V1EnvVar[];
  /** User env, appended after the operator's. */
  userEnv?: V1EnvVar[];
  /**
   * The whole env, for a deliberate difference: where the operator stores a repeated name twice, we store one
   * entry per name with the value the kubelet would run with (server-side apply refuses duplicate keys).
   */
  env?: V1EnvVar[];
  /** Other `emqx` container fields; they replace the defaults (probes, security context, …). */
  container?: Partial<V1Container>;
  /** Other pod spec fields (scheduling, pull secrets, …). */
  pod?: Partial<V1PodSpec>;
  extraMounts?: V1VolumeMount[];
  extraVolumes?: V1Volume[];
  extraContainers?: V1Container[];
  /** Core only: the claim template spec, which also drops the emptyDir data volume. */
  claimSpec?: V1PersistentVolumeClaim["spec"];
  namespace?: string;
  clusterDomain?: string;
}

function podLabels(role: "core" | "replicant", e: PodExpectation): Record<string, string> {
  return { ...(role === "core" ? CORE_LABELS : REPLICANT_LABELS), ...e.extraLabels };
}

function container(role: "core" | "replicant", e: PodExpectation): V1Container {
  const ports =
    e.ports === undefined ? [{ name: "dashboard", containerPort: 18083, protocol: "TCP" }] : e.ports;
  return {
    name: "emqx",
    image: IMAGE,
    ...(ports && ports.length > 0 ? { ports } : {}),
    env: e.env ?? [
      ...(e.dashboardEnv ?? [HTTP_BIND(18083)]),
      ...operatorEnv(role, e.namespace, e.clusterDomain),
      ...(e.userEnv ?? []),
    ],
    securityContext: DEFAULT_CONTAINER_SECURITY_CONTEXT,
    livenessProbe: DEFAULT_LIVENESS,
    readinessProbe: DEFAULT_READINESS,
    volumeMounts: [...operatorMounts(role), ...(e.extraMounts ?? [])],
    ...e.container,
  };
}

/** The core StatefulSet or replicant ReplicaSet, with the set's own hash (not derivable). */
export function expectedWorkload(role: "core" | "replicant", hash: string, e: PodExpectation) {
  const labels = { ...podLabels(role, e), [HASH_LABEL]: hash };
  const annotations = e.annotations ? { annotations: e.annotations } : {};
  const claim = role === "core" && e.claimSpec !== undefined;
  const podSpec: V1PodSpec = {
    readinessGates: [{ conditionType: "apps.emqx.io/on-serving" }],
    securityContext: DEFAULT_POD_SECURITY_CONTEXT,
    ...e.pod,
    containers: [container(role, e), ...(e.extraContainers ?? [])],
    volumes: [...operatorVolumes(role, claim), ...(e.extraVolumes ?? [])],
  };
  const spec = {
    ...(role === "core" ? { serviceName: `${NAME}-headless`, podManagementPolicy: "Parallel" } : {}),
    replicas: e.replicas,
    selector: { matchLabels: labels },
    template: { metadata: { labels, ...annotations }, spec: podSpec },
    ...(claim
      ? {
          volumeClaimTemplates: [
            {
              metadata: {
                name: `${NAME}-core-data`,
                namespace: e.namespace ?? NAMESPACE,
                labels: podLabels(role, e),
              },
              spec: e.claimSpec,
            },
          ],
        }
      : {}),
  };
  return {
    apiVersion: "apps/v1",
    kind: role === "core" ? "StatefulSet" : "ReplicaSet",
    metadata: {
      name: `${NAME}-${role}-${hash}`,
      namespace: e.namespace ?? NAMESPACE,
      labels,
      ...annotations,
      ownerReferences: OWNER_REFS,
    },
    spec,
  };
}

/** Metadata of Secrets, ConfigMap, headless Service and PDBs: default labels + the CR's labels. */
export function crChildMeta(name: string, crLabels: Record<string, string> = {}, namespace = NAMESPACE) {
  return { name, namespace, labels: { ...DEFAULT_LABELS, ...crLabels }, ownerReferences: OWNER_REFS };
}

/** A PDB: selector = role labels + template labels, no hash; budgets as given. */
export function expectedPdb(
  role: "core" | "replicant",
  budget: { minAvailable?: number | string; maxUnavailable?: number | string },
  o: { extraLabels?: Record<string, string>; crLabels?: Record<string, string>; namespace?: string } = {},
) {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: crChildMeta(`${NAME}-${role}`, o.crLabels, o.namespace),
    spec: {
      selector: { matchLabels: { ...(role === "core" ? CORE_LABELS : REPLICANT_LABELS), ...o.extraLabels } },
      ...budget,
    },
  };
}

/** Dashboard / listeners Service: default + template labels (never the CR's), template spec kept. */
export function expectedExposed(
  kind: "dashboard" | "listeners",
  o: {
    ports: unknown[];
    selectorRole?: "core" | "replicant";
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    spec?: Record<string, unknown>;
    namespace?: string;
  },
) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: `${NAME}-${kind}`,
      namespace: o.namespace ?? NAMESPACE,
      labels: { ...DEFAULT_LABELS, ...o.labels },
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ownerReferences: OWNER_REFS,
    },
    spec: {
      ...o.spec,
      selector: o.selectorRole === "replicant" ? REPLICANT_LABELS : CORE_LABELS,
      ports: o.ports,
    },
  };
}
