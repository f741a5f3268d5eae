import { API_VERSION, KIND, PLURAL } from "@emqx-reconciler/api";

/** Where a kind lives in the Kubernetes REST API. */
export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  /** Lower-case plural used in paths and in request stats. */
  plural: string;
  namespaced: boolean;
}

/**
 * Every kind the reconciler reads or writes, with its REST path. A static table instead of API discovery: one
 * discovery request per cold start and per cluster is what a Lambda can least afford, and these kinds are stable.
 */
export const RESOURCES = {
  EMQX: { apiVersion: API_VERSION, kind: KIND, plural: PLURAL, namespaced: true },
  /** The operator 2.2's `Rebalance` (see `@emqx-reconciler/api` `renderRebalanceCrd`). */
  Rebalance: { apiVersion: API_VERSION, kind: "Rebalance", plural: "rebalances", namespaced: true },
  StatefulSet: { apiVersion: "apps/v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true },
  ReplicaSet: { apiVersion: "apps/v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true },
  Pod: { apiVersion: "v1", kind: "Pod", plural: "pods", namespaced: true },
  Service: { apiVersion: "v1", kind: "Service", plural: "services", namespaced: true },
  ConfigMap: { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
  Secret: { apiVersion: "v1", kind: "Secret", plural: "secrets", namespaced: true },
  PodDisruptionBudget: {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    plural: "poddisruptionbudgets",
    namespaced: true,
  },
  PersistentVolumeClaim: {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    plural: "persistentvolumeclaims",
    namespaced: true,
  },
  Event: { apiVersion: "v1", kind: "Event", plural: "events", namespaced: true },
  Lease: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", plural: "leases", namespaced: true },
  Namespace: { apiVersion: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
  CustomResourceDefinition: {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    namespaced: false,
  },
} as const satisfies Record<string, ResourceInfo>;

/** A kind name from {@link RESOURCES}. */
export type KindName = keyof typeof RESOURCES;

/** The kinds a CR owns, listed by the `apps.emqx.io/instance` + `managed-by` labels. */
export const OWNED_KINDS = [
  "StatefulSet",
  "ReplicaSet",
  "Pod",
  "Service",
  "ConfigMap",
  "Secret",
  "PodDisruptionBudget",
] as const satisfies readonly KindName[];
export type OwnedKind = (typeof OWNED_KINDS)[number];

/** Looks a kind up by `apiVersion` + `kind`, failing clearly for a kind the gateway does not know. */
export function resourceFor(apiVersion: string | undefined, kind: string | undefined): ResourceInfo {
  const info = Object.values(RESOURCES).find((r) => r.kind === kind && r.apiVersion === apiVersion);
  if (!info) throw new Error(`Unsupported kind ${apiVersion}/${kind}: not in the gateway's RESOURCES table`);
  return info;
}

/** Builds the REST path of a collection, an object or one of its subresources. */
export function resourcePath(
  info: ResourceInfo,
  target: { namespace?: string | undefined; name?: string | undefined; subresource?: string },
): string {
  const root = info.apiVersion.includes("/") ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  if (info.namespaced && !target.namespace && target.name) {
    throw new Error(`${info.kind} ${target.name}: a namespace is required`);
  }
  const ns = info.namespaced && target.namespace ? `/namespaces/${encodeURIComponent(target.namespace)}` : "";
  const name = target.name ? `/${encodeURIComponent(target.name)}` : "";
  const sub = target.name && target.subresource ? `/${target.subresource}` : "";
  return `${root}${ns}/${info.plural}${name}${sub}`;
}
