import {
  CONDITION_ON_SERVING,
  CONTAINER_NAME,
  childNames,
  type Emqx,
  headlessDnsName,
  mergeKeepFirst,
  PATH_BOOTSTRAP_API_KEY,
  PATH_CONFIG,
  PATH_DATA,
  PATH_LOG,
  type Role,
  roleLabels,
  SECRET_KEY_COOKIE,
  VOLUME_BOOTSTRAP_API_KEY,
  VOLUME_BOOTSTRAP_CONFIG,
} from "@emqx-reconciler/api";
import type {
  V1Container,
  V1EnvVar,
  V1PodTemplateSpec,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import { dashboardServicePorts } from "../hocon/index.ts";
import { specConfig } from "./config.ts";
import { withUniquePodKeys } from "./keyedLists.ts";
import { namespaceOf } from "./meta.ts";
import { dashboardEnv, withDashboardPorts, withDashboardProbes } from "./podDashboard.ts";
import { compact, wantsClaim } from "./util.ts";

type CoreTemplate = Emqx["spec"]["coreTemplate"];
type ReplicantSpec = NonNullable<NonNullable<Emqx["spec"]["replicantTemplate"]>["spec"]>;

/** The role's template: metadata and pod-level fields (the core spec is the replicant spec plus its PVC). */
export interface RoleTemplate {
  readonly metadata?: CoreTemplate["metadata"];
  readonly spec: ReplicantSpec & {
    readonly volumeClaimTemplates?: CoreTemplate["spec"]["volumeClaimTemplates"];
  };
}

/** The template of `role`, or undefined when the CR has no replicant spec. */
export function roleTemplate(emqx: Emqx, role: Role): RoleTemplate | undefined {
  if (role === "core") return emqx.spec.coreTemplate;
  const replicant = emqx.spec.replicantTemplate;
  return replicant?.spec ? { metadata: replicant.metadata, spec: replicant.spec } : undefined;
}

/** Pod labels without the hash: role labels, then the template's own (which cannot override ours). */
export function podLabels(emqx: Emqx, role: Role, template: RoleTemplate): Record<string, string> {
  return mergeKeepFirst(roleLabels(emqx.metadata.name, role), template.metadata?.labels);
}

/** The operator's environment, in its order, before the user's `env`. */
function operatorEnv(emqx: Emqx, role: Role): V1EnvVar[] {
  const name = emqx.metadata.name;
  const dnsName = headlessDnsName(name, namespaceOf(emqx), emqx.spec.clusterDomain);
  return [
    ...(role === "core"
      ? [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }]
      : []),
    { name: "EMQX_CLUSTER__DISCOVERY_STRATEGY", value: "dns" },
    { name: "EMQX_CLUSTER__DNS__RECORD_TYPE", value: "srv" },
    { name: "EMQX_CLUSTER__DNS__NAME", value: dnsName },
    role === "core"
      ? { name: "EMQX_HOST", value: "$(POD_NAME).$(EMQX_CLUSTER__DNS__NAME)" }
      : { name: "EMQX_HOST", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
    { name: "EMQX_NODE__DATA_DIR", value: "data" },
    { name: "EMQX_NODE__ROLE", value: role },
    {
      name: "EMQX_NODE__COOKIE",
      valueFrom: { secretKeyRef: { name: childNames(name).nodeCookie, key: SECRET_KEY_COOKIE } },
    },
    // A HOCON string, hence the literal double quotes.
    { name: "EMQX_API_KEY__BOOTSTRAP_FILE", value: `"${PATH_BOOTSTRAP_API_KEY}"` },
  ];
}

function roleVolumeNames(emqx: Emqx, role: Role): { data: string; log: string } {
  const names = childNames(emqx.metadata.name);
  return role === "core"
    ? { data: names.coreData, log: names.coreLog }
    : { data: names.replicantData, log: names.replicantLog };
}

function operatorMounts(emqx: Emqx, role: Role): V1VolumeMount[] {
  const { data, log } = roleVolumeNames(emqx, role);
  return [
    {
      name: VOLUME_BOOTSTRAP_API_KEY,
      mountPath: PATH_BOOTSTRAP_API_KEY,
      subPath: "bootstrap_api_key",
      readOnly: true,
    },
    { name: VOLUME_BOOTSTRAP_CONFIG, mountPath: PATH_CONFIG, subPath: "emqx.conf", readOnly: true },
    { name: log, mountPath: PATH_LOG },
    { name: data, mountPath: PATH_DATA },
  ];
}

/**
 * Operator volumes, in the operator's order, which differs by role: core `data, bootstrap-api-key,
 * bootstrap-config, log` (data only as an emptyDir when there is no PVC template); replicant `bootstrap-api-key,
 * bootstrap-config, log, data`.
 */
function operatorVolumes(emqx: Emqx, role: Role, template: RoleTemplate): V1Volume[] {
  const names = childNames(emqx.metadata.name);
  const { data, log } = roleVolumeNames(emqx, role);
  const shared: V1Volume[] = [
    { name: VOLUME_BOOTSTRAP_API_KEY, secret: { secretName: names.bootstrapApiKey } },
    { name: VOLUME_BOOTSTRAP_CONFIG, configMap: { name: names.configs } },
    { name: log, emptyDir: {} },
  ];
  if (role === "replicant") return [...shared, { name: data, emptyDir: {} }];
  return wantsClaim(template.spec.volumeClaimTemplates) ? shared : [{ name: data, emptyDir: {} }, ...shared];
}

function emqxContainer(emqx: Emqx, role: Role, template: RoleTemplate): V1Container {
  const spec = template.spec;
  const ports = withDashboardPorts(spec.ports, dashboardServicePorts(specConfig(emqx)));
  const container: V1Container = {
    name: CONTAINER_NAME,
    image: emqx.spec.image,
    imagePullPolicy: emqx.spec.imagePullPolicy,
    command: spec.command,
    args: spec.args,
    ports,
    env: [...dashboardEnv(ports), ...operatorEnv(emqx, role), ...(spec.env ?? [])],
    envFrom: spec.envFrom,
    resources: spec.resources,
    securityContext: spec.containerSecurityContext,
    livenessProbe: spec.livenessProbe,
    readinessProbe: spec.readinessProbe,
    startupProbe: spec.startupProbe,
    lifecycle: spec.lifecycle,
    volumeMounts: [...operatorMounts(emqx, role), ...(spec.extraVolumeMounts ?? [])],
  };
  return compact(withDashboardProbes(container));
}

/**
 * The pod template of core or replicant pods, without the hash label: readiness gate
 * `apps.emqx.io/on-serving`, the `emqx` container then `extraContainers`, operator volumes then `extraVolumes`,
 * `tolerations` then the legacy `toleRations`, and the role's own scheduling fields. Every list server-side apply
 * keys holds one entry per key (see `withUniquePodKeys`: a user `env` entry named like ours wins, at our place).
 */
export function buildPodTemplate(emqx: Emqx, role: Role, template: RoleTemplate): V1PodTemplateSpec {
  const spec = template.spec;
  const tolerations = [...(spec.tolerations ?? []), ...(spec.toleRations ?? [])];
  return {
    metadata: compact({
      labels: podLabels(emqx, role, template),
      annotations: template.metadata?.annotations,
    }),
    spec: withUniquePodKeys(
      compact({
        readinessGates: [{ conditionType: CONDITION_ON_SERVING }],
        imagePullSecrets: emqx.spec.imagePullSecrets,
        serviceAccountName: emqx.spec.serviceAccountName,
        securityContext: spec.podSecurityContext,
        affinity: spec.affinity,
        tolerations,
        topologySpreadConstraints: spec.topologySpreadConstraints,
        nodeName: spec.nodeName,
        nodeSelector: spec.nodeSelector,
        initContainers: spec.initContainers,
        containers: [emqxContainer(emqx, role, template), ...(spec.extraContainers ?? [])],
        volumes: [...operatorVolumes(emqx, role, template), ...(spec.extraVolumes ?? [])],
      }),
    ),
  };
}
