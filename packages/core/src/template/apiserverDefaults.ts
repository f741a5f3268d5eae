/**
 * The defaults kube-apiserver fills into a pod template of a StatefulSet or ReplicaSet: every field that
 * `SetObjectDefaults_StatefulSet` / `SetObjectDefaults_ReplicaSet` (Kubernetes v1.36,
 * `pkg/apis/apps/v1/zz_generated.defaults.go`) sets inside `spec.template` — PodSpec, Container, ContainerPort,
 * ObjectFieldSelector, FileKeySelector, Probe, HTTPGetAction, GRPCAction, ResourceList, Volume and its sources —
 * plus the `serviceAccount` alias that the v1 PodSpec conversion writes. `test/e2e/apiserverDefaults.test.ts` keeps
 * this list honest: it reads that generated file from the sandbox's Go module cache and round-trips random
 * templates through the sandbox's apiserver.
 *
 * Applying them to the desired template AND to the live one lets a plain comparison ignore what the apiserver
 * added, while still noticing a field the user removed. Pod-only defaults (`enableServiceLinks`, requests copied
 * from limits) are not applied to templates by the apiserver, so they are not applied here either.
 */

type Obj = Record<string, unknown>;

/**
 * Everything the generated defaulting of a StatefulSet / ReplicaSet calls (`SetDefaults_*`) or sets directly
 * (a field path below the defaulted struct) inside `spec.template`, as named in Kubernetes v1.36's
 * `pkg/apis/apps/v1/zz_generated.defaults.go`. {@link applyPodTemplateDefaults} applies each one
 * (`SetDefaults_EphemeralContainer` cannot occur in a template). A test reads the generated file of the
 * Kubernetes version the sandbox pins and fails on any entry missing here, so an upgrade that adds a default is
 * caught by a test, not by sets multiplying in a cluster.
 */
export const APISERVER_TEMPLATE_DEFAULTS: readonly string[] = [
  "SetDefaults_PodSpec",
  "SetDefaults_Container",
  "SetDefaults_EphemeralContainer",
  "SetDefaults_Probe",
  "SetDefaults_HTTPGetAction",
  "SetDefaults_ObjectFieldSelector",
  "SetDefaults_ResourceList",
  "SetDefaults_Volume",
  "SetDefaults_HostPathVolumeSource",
  "SetDefaults_SecretVolumeSource",
  "SetDefaults_ConfigMapVolumeSource",
  "SetDefaults_DownwardAPIVolumeSource",
  "SetDefaults_ProjectedVolumeSource",
  "SetDefaults_ServiceAccountTokenProjection",
  "SetDefaults_PersistentVolumeClaimSpec",
  "Protocol",
  "ValueFrom.FileKeyRef.Optional",
  "GRPC.Service",
  "ISCSI.ISCSIInterface",
  "RBD.RBDPool",
  "RBD.RadosUser",
  "RBD.Keyring",
  "AzureDisk.CachingMode",
  "AzureDisk.FSType",
  "AzureDisk.ReadOnly",
  "AzureDisk.Kind",
  "ScaleIO.StorageMode",
  "ScaleIO.FSType",
];

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function objs(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isObj) : [];
}

/**
 * Sets each default whose field is unset. Go's plain string fields are unset when empty, and a pointer field when
 * nil; `zeroIsUnset` adds Go's plain integer fields (probe timings), where 0 is the unset value.
 */
function fill(target: Obj, defaults: Obj, zeroIsUnset = false): void {
  for (const [key, value] of Object.entries(defaults)) {
    const current = target[key];
    if (current === undefined || current === null || current === "" || (zeroIsUnset && current === 0)) {
      target[key] = value;
    }
  }
}

/** `docker.io/library/x` → tag `latest` when neither tag nor digest is given (the kubelet's `ParseImageName`). */
export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  const [name = "", digest] = image.split("@");
  const lastSlash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  const tag = colon > lastSlash ? name.slice(colon + 1) : digest ? "" : "latest";
  return tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultHttpGet(handler: unknown): void {
  if (isObj(handler) && isObj(handler.httpGet)) fill(handler.httpGet, { path: "/", scheme: "HTTP" });
  if (isObj(handler) && isObj(handler.grpc)) fill(handler.grpc, { service: "" });
}

function defaultProbe(probe: unknown): void {
  if (!isObj(probe)) return;
  fill(probe, { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 }, true);
  defaultHttpGet(probe);
}

function defaultFieldRef(holder: unknown): void {
  if (isObj(holder) && isObj(holder.fieldRef)) fill(holder.fieldRef, { apiVersion: "v1" });
}

function defaultContainer(container: Obj): void {
  fill(container, {
    imagePullPolicy: defaultPullPolicy(String(container.image ?? "")),
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
  });
  for (const port of objs(container.ports)) fill(port, { protocol: "TCP" });
  for (const env of objs(container.env)) defaultFieldRef(env.valueFrom);
  defaultProbe(container.livenessProbe);
  defaultProbe(container.readinessProbe);
  defaultProbe(container.startupProbe);
  if (isObj(container.lifecycle)) {
    defaultHttpGet(container.lifecycle.postStart);
    defaultHttpGet(container.lifecycle.preStop);
  }
}

const VOLUME_SOURCE_DEFAULTS: Record<string, Obj> = {
  secret: { defaultMode: 420 },
  configMap: { defaultMode: 420 },
  downwardAPI: { defaultMode: 420 },
  projected: { defaultMode: 420 },
  hostPath: { type: "" },
  iscsi: { iscsiInterface: "default" },
  rbd: { pool: "rbd", user: "admin", keyring: "/etc/ceph/keyring" },
  azureDisk: { cachingMode: "ReadWrite", kind: "Shared", fsType: "ext4", readOnly: false },
  scaleIO: { storageMode: "ThinProvisioned", fsType: "xfs" },
};

function defaultVolume(volume: Obj): void {
  const sources = Object.keys(volume).filter((key) => key !== "name" && volume[key] != null);
  if (sources.length === 0) volume.emptyDir = {};
  if (isObj(volume.image))
    fill(volume.image, { pullPolicy: defaultPullPolicy(String(volume.image.reference ?? "")) });
  for (const [source, defaults] of Object.entries(VOLUME_SOURCE_DEFAULTS)) {
    const value = volume[source];
    if (isObj(value)) fill(value, defaults);
  }
  if (isObj(volume.downwardAPI)) for (const item of objs(volume.downwardAPI.items)) defaultFieldRef(item);
  if (isObj(volume.projected)) {
    for (const source of objs(volume.projected.sources)) {
      if (isObj(source.downwardAPI)) for (const item of objs(source.downwardAPI.items)) defaultFieldRef(item);
      if (isObj(source.serviceAccountToken)) fill(source.serviceAccountToken, { expirationSeconds: 3600 });
    }
  }
  const claim = isObj(volume.ephemeral) ? volume.ephemeral.volumeClaimTemplate : undefined;
  if (isObj(claim) && isObj(claim.spec)) fill(claim.spec, { volumeMode: "Filesystem" });
}

/**
 * `serviceAccount` is the deprecated alias of `serviceAccountName`: the apiserver reads either (the name wins) and
 * always returns both, equal (its v1 ↔ internal PodSpec conversion).
 */
function aliasServiceAccount(spec: Obj): void {
  const name = spec.serviceAccountName || spec.serviceAccount;
  if (name) {
    spec.serviceAccountName = name;
    spec.serviceAccount = name;
  }
}

/**
 * Fills the apiserver's defaults into a JSON copy of a pod template, in place.
 */
export function applyPodTemplateDefaults(template: Obj): void {
  const spec = isObj(template.spec) ? template.spec : {};
  template.spec = spec;
  aliasServiceAccount(spec);
  fill(spec, {
    dnsPolicy: "ClusterFirst",
    restartPolicy: "Always",
    schedulerName: "default-scheduler",
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  });
  for (const container of [...objs(spec.initContainers), ...objs(spec.containers)])
    defaultContainer(container);
  for (const volume of objs(spec.volumes)) defaultVolume(volume);
}
