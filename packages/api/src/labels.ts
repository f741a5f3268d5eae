/**
 * Label and annotation keys and values, equal to the EMQX Operator 2.2's, so the pods, sets and
 * Services of clusters the operator created are selected and adopted unchanged.
 */
import type { Role } from "./names.ts";

export const LABEL_INSTANCE = "apps.emqx.io/instance";
export const LABEL_MANAGED_BY = "apps.emqx.io/managed-by";
export const LABEL_DB_ROLE = "apps.emqx.io/db-role";
export const LABEL_POD_TEMPLATE_HASH = "apps.emqx.io/pod-template-hash";

/** Value of `apps.emqx.io/managed-by`; kept as the operator's so both select the same objects. */
export const MANAGED_BY = "emqx-operator";

/** Pod condition (readiness gate) that says the EMQX node is serving. */
export const CONDITION_ON_SERVING = "apps.emqx.io/on-serving";

/**
 * Annotation on the CR remembering the last `spec.config.data` pushed to the EMQX cluster. The operator stores the
 * text itself; we store `sha256:<hex>` of it (see `configDigest`) and read either form.
 */
export const ANNOTATION_LAST_CONFIG = "apps.emqx.io/last-emqx-configuration";
/**
 * CR annotation that allows `spec.coreTemplate.spec.replicas: 0` (every core stopped) when set to `"true"`;
 * without it zero cores is an invalid spec, since an EMQX cluster needs at least one core node.
 */
export const ANNOTATION_ALLOW_ZERO_CORES = "apps.emqx.io/allow-zero-cores";
/**
 * CR annotations bounding what a scale request (the bus's `ScaleRequest`) may set, per role; whole numbers. Without
 * them a request may set 1…maxReplicas cores and 0…maxReplicas replicants; cores never go below 1 by request,
 * whatever `scale-min-cores` says. Edits of the spec itself are not bound by them.
 */
export const ANNOTATION_SCALE_BOUNDS = {
  core: { min: "apps.emqx.io/scale-min-cores", max: "apps.emqx.io/scale-max-cores" },
  replicant: { min: "apps.emqx.io/scale-min-replicants", max: "apps.emqx.io/scale-max-replicants" },
} as const;
/**
 * Ours: which generation of generated credentials a cluster runs with, on `<name>-bootstrap-api-key`,
 * `<name>-node-cookie`, `<name>-reconciler-state` and the pod templates of both roles. Absent until credentials
 * had to be generated anew for a running cluster (the Secret and its copy both deleted); then the time of that
 * pass, so the pod templates change and the pods are replaced with ones that load the new values. Never a value.
 */
export const ANNOTATION_CREDENTIALS_GENERATION = "apps.emqx.io/credentials-generation";
/** The operator's 3-way-diff annotation; read to recognise its objects, never written by us. */
export const ANNOTATION_LAST_APPLIED = "apps.emqx.io/last-applied";
/** Pod annotation steering which pod a ReplicaSet removes first (blue-green and replicant scale-down). */
export const ANNOTATION_POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
/**
 * Ours, on a replicant pod chosen to leave in a replicant scale-down: when it was chosen (RFC 3339). It keeps the
 * choice stable across passes and starts the bound on its evacuation.
 */
export const ANNOTATION_LEAVING_SINCE = "apps.emqx.io/leaving-since";
/**
 * Annotation on a StatefulSet / ReplicaSet we created: the CR `metadata.generation` it was created for. The pod
 * template is a function of the spec alone, so one generation needs at most one new set per role; a second would
 * mean the comparison of templates is wrong, and the circuit breaker stops there instead of multiplying workloads.
 */
export const ANNOTATION_CREATED_FOR_GENERATION = "apps.emqx.io/created-for-generation";
/** Checksum of `config.data` we stamp on the ConfigMap so a changed config is recognised without reading it. */
export const ANNOTATION_CONFIG_HASH = "apps.emqx.io/config-hash";

/**
 * Ours, on the EMQX CR: `<secret>[/<key>]`, the Secret (in the CR's namespace) and key (default `ca.crt`) holding
 * the PEM CA bundle the reconciler trusts for this cluster's https-only dashboard. Without it, `ca.crt` of the
 * Secret the dashboard certificate is mounted from is trusted when that Secret has one.
 */
export const ANNOTATION_DASHBOARD_CA_SECRET = "apps.emqx.io/dashboard-ca-secret";
/** Key of a CA bundle in a Secret when {@link ANNOTATION_DASHBOARD_CA_SECRET} names none (cert-manager's key). */
export const DASHBOARD_CA_DEFAULT_KEY = "ca.crt";

/** `{instance, managed-by}`: the labels of every child. */
export function defaultLabels(name: string): Record<string, string> {
  return { [LABEL_INSTANCE]: name, [LABEL_MANAGED_BY]: MANAGED_BY };
}

/** Default labels plus `db-role`. */
export function roleLabels(name: string, role: Role): Record<string, string> {
  return { ...defaultLabels(name), [LABEL_DB_ROLE]: role };
}

/**
 * The operator's `CloneAndMergeMap(dst, src...)`: keys already present are never overwritten, so user labels can
 * add keys but cannot override the `apps.emqx.io/*` ones.
 */
export function mergeKeepFirst(
  base: Record<string, string>,
  ...more: Array<Record<string, string> | undefined>
): Record<string, string> {
  const out: Record<string, string> = { ...base };
  for (const m of more) {
    for (const [k, v] of Object.entries(m ?? {})) if (!(k in out)) out[k] = v;
  }
  return out;
}

/**
 * Label selector of a CR's replicant pods as a string, for `status.replicantSelector`: the scale subresource's
 * `labelSelectorPath` points there, so HPA can find the pods whose metrics it averages. No hash, so it covers old
 * and new ReplicaSets alike, like the PDB selector.
 *
 * @example replicantSelectorString("emqx") // "apps.emqx.io/instance=emqx,apps.emqx.io/managed-by=emqx-operator,apps.emqx.io/db-role=replicant"
 */
export function replicantSelectorString(name: string): string {
  return Object.entries(roleLabels(name, "replicant"))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}
