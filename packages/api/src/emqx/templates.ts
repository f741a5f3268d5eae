/**
 * The core and replicant templates: the pod-level fields of EMQX pods, plus `volumeClaimTemplates`
 * for cores.
 */
import type {
  CoreV1ResourceClaim,
  V1Affinity,
  V1Container,
  V1ContainerPort,
  V1EnvFromSource,
  V1EnvVar,
  V1Lifecycle,
  V1PersistentVolumeClaimSpec,
  V1PodSecurityContext,
  V1Probe,
  V1SecurityContext,
  V1Toleration,
  V1TopologySpreadConstraint,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import * as z from "zod";
import {
  DEFAULT_CORE_REPLICAS_WHEN_TEMPLATE_ABSENT,
  DEFAULT_TEMPLATE_REPLICAS,
  defaultContainerSecurityContext,
  defaultLivenessProbe,
  defaultPodSecurityContext,
  defaultReadinessProbe,
} from "./defaults.ts";
import {
  intOrPercent,
  kubeList,
  kubeObject,
  QuantitySchema,
  stringMap,
  TemplateMetadataSchema,
} from "./kube.ts";

/** The operator's CEL message for PDB settings, reused verbatim by our own check. */
export const PDB_EXCLUSIVE_MESSAGE =
  "minAvailable cannot be set when maxUnavailable is specified. These fields are mutually exclusive in PodDisruptionBudget.";
/** The operator's CEL rule, attached to both template specs in the CRD. */
export const PDB_EXCLUSIVE_RULE = "has(self.minAvailable) && has(self.maxUnavailable) ? false : true";

const ResourcesSchema = z
  .object({
    limits: z
      .record(z.string(), QuantitySchema)
      .optional()
      .describe("Maximum resources, e.g. cpu: 1, memory: 1Gi."),
    requests: z
      .record(z.string(), QuantitySchema)
      .optional()
      .describe("Resources the scheduler reserves, e.g. cpu: 250m, memory: 512Mi."),
    claims: kubeList<CoreV1ResourceClaim>(
      "ResourceClaim",
      "Dynamic resource claims the container uses.",
    ).optional(),
  })
  .describe("Compute resources of the emqx container.");

/** Fields shared by both templates (the operator's `EMQXReplicantTemplateSpec`). */
const podFields = {
  nodeSelector: stringMap("Node labels the pods must match (pod.spec.nodeSelector).").optional(),
  nodeName: z.string().optional().describe("Node to run the pods on, bypassing the scheduler."),
  affinity: kubeObject<V1Affinity>("Affinity", "Scheduling constraints of the pods.").optional(),
  toleRations: kubeList<V1Toleration>(
    "Toleration",
    "Legacy spelling of tolerations, kept for compatibility; appended after tolerations.",
  ).optional(),
  tolerations: kubeList<V1Toleration>("Toleration", "Taints the pods tolerate.").optional(),
  topologySpreadConstraints: kubeList<V1TopologySpreadConstraint>(
    "TopologySpreadConstraint",
    "How the pods spread across zones or nodes.",
  ).optional(),
  replicas: z
    .int32("replicas must be a whole number")
    .min(0, "replicas must be 0 or more")
    .default(DEFAULT_TEMPLATE_REPLICAS)
    .describe(
      `Number of EMQX nodes of this role. Defaults to ${DEFAULT_TEMPLATE_REPLICAS} when the template spec is given without it.`,
    ),
  minAvailable: intOrPercent(
    "PodDisruptionBudget minAvailable for these pods (number or percentage). Exclusive with maxUnavailable.",
  ).optional(),
  maxUnavailable: intOrPercent(
    "PodDisruptionBudget maxUnavailable for these pods (number or percentage). Exclusive with minAvailable.",
  ).optional(),
  command: z
    .array(z.string())
    .optional()
    .describe("Entrypoint of the emqx container, replacing the image's."),
  args: z.array(z.string()).optional().describe("Arguments of the emqx container."),
  ports: kubeList<V1ContainerPort>(
    "ContainerPort",
    "Extra container ports; they come before the dashboard ports the reconciler adds.",
  ).optional(),
  env: kubeList<V1EnvVar>(
    "EnvVar",
    "Environment variables, appended after the reconciler's, so an entry with the same name wins.",
  ).optional(),
  envFrom: kubeList<V1EnvFromSource>("EnvFromSource", "Sources of environment variables.").optional(),
  resources: ResourcesSchema.optional(),
  podSecurityContext: kubeObject<V1PodSecurityContext>(
    "PodSecurityContext",
    "Pod security context. Defaults to uid/gid 1000 with fsGroup 1000; a value given replaces the default entirely.",
  ).default(defaultPodSecurityContext),
  containerSecurityContext: kubeObject<V1SecurityContext>(
    "SecurityContext",
    "Security context of the emqx container. Defaults to uid/gid 1000, runAsNonRoot.",
  ).default(defaultContainerSecurityContext),
  initContainers: kubeList<V1Container>("Container", "Init containers of the pods.").optional(),
  extraContainers: kubeList<V1Container>(
    "Container",
    "Sidecar containers, after the emqx container.",
  ).optional(),
  extraVolumes: kubeList<V1Volume>("Volume", "Extra pod volumes, after the reconciler's.").optional(),
  extraVolumeMounts: kubeList<V1VolumeMount>(
    "VolumeMount",
    "Extra mounts of the emqx container, after the reconciler's.",
  ).optional(),
  livenessProbe: kubeObject<V1Probe>(
    "Probe",
    "Liveness probe. Defaults to GET /status on the dashboard port after 60 s, every 30 s, 3 failures.",
  ).default(defaultLivenessProbe),
  readinessProbe: kubeObject<V1Probe>(
    "Probe",
    "Readiness probe. Defaults to GET /status on the dashboard port after 10 s, every 5 s, 12 failures.",
  ).default(defaultReadinessProbe),
  startupProbe: kubeObject<V1Probe>("Probe", "Startup probe of the emqx container.").optional(),
  lifecycle: kubeObject<V1Lifecycle>("Lifecycle", "Lifecycle hooks of the emqx container.").optional(),
};

/** Rejects a spec with both PDB settings, as the operator's CEL rule does. */
function pdbSettingsExclusive(spec: { minAvailable?: unknown; maxUnavailable?: unknown }): boolean {
  return spec.minAvailable === undefined || spec.maxUnavailable === undefined;
}

const celPdbRule = {
  "x-kubernetes-validations": [{ rule: PDB_EXCLUSIVE_RULE, message: PDB_EXCLUSIVE_MESSAGE }],
};

/** Pod-level settings of replicant nodes. */
export const EmqxReplicantTemplateSpecSchema = z
  .object(podFields)
  .refine(pdbSettingsExclusive, PDB_EXCLUSIVE_MESSAGE)
  .meta({ description: "Pod settings of the replicant nodes (a ReplicaSet).", ...celPdbRule });

/** Pod-level settings of core nodes, plus their persistent volume. */
export const EmqxCoreTemplateSpecSchema = z
  .object({
    ...podFields,
    volumeClaimTemplates: kubeObject<V1PersistentVolumeClaimSpec>(
      "PersistentVolumeClaimSpec",
      "Spec of the core-data volume claim (one spec, not a list). Without it /opt/emqx/data is an emptyDir.",
    ).optional(),
  })
  .refine(pdbSettingsExclusive, PDB_EXCLUSIVE_MESSAGE)
  .meta({ description: "Pod settings of the core nodes (a StatefulSet).", ...celPdbRule });

/**
 * Core nodes. Absent → `{spec: {replicas: 1}}` with every nested default, like the API server.
 *
 * `coreTemplate: {metadata: …}` without `spec` gets `spec: {}` (hence `replicas: 2` and the nested defaults), also
 * declared in the CRD. The operator's CRD has no default there and the operator then dereferences a nil `replicas`;
 * we pick the field-level default rather than failing, so the spec always says how many cores to run.
 */
export const EmqxCoreTemplateSchema = z
  .object({
    metadata: TemplateMetadataSchema.optional(),
    spec: EmqxCoreTemplateSpecSchema.prefault({}),
  })
  .prefault({ spec: { replicas: DEFAULT_CORE_REPLICAS_WHEN_TEMPLATE_ABSENT } })
  .describe(
    `Core nodes, run as a StatefulSet <name>-core-<hash>. Defaults to ${DEFAULT_CORE_REPLICAS_WHEN_TEMPLATE_ABSENT} core node.`,
  );

/**
 * Replicant nodes. Absent (as in the operator's CRD, no default) means no replicants; so do a template without
 * `spec` and `replicas: 0` — replicants exist only when `spec.replicas` is above 0. `spec: {}` defaults to 2
 * replicas, as in the operator.
 *
 * We deliberately do not default the whole template (that would add a `replicantTemplate` to every stored core-only
 * CR, a visible difference from the operator). Consequence: the scale subresource (`kubectl scale`, HPA) works once
 * a `replicantTemplate` is declared (replicas may be 0); on a core-only CR its GET fails, since the replicas path
 * is missing.
 */
export const EmqxReplicantTemplateSchema = z
  .object({
    metadata: TemplateMetadataSchema.optional(),
    spec: EmqxReplicantTemplateSpecSchema.prefault({ replicas: 0 }),
  })
  .describe(
    "Replicant nodes, run as a ReplicaSet <name>-replicant-<hash>. Absent means no replicants; the scale subresource sets spec.replicas here.",
  );

/** `spec.coreTemplate`, with `spec` and its defaults always present. */
export type EmqxCoreTemplate = z.output<typeof EmqxCoreTemplateSchema>;
/** `spec.replicantTemplate` when declared, with `spec.replicas` always present (0 = no replicants). */
export type EmqxReplicantTemplate = z.output<typeof EmqxReplicantTemplateSchema>;
