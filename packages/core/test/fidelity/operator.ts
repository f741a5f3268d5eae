/**
 * What the EMQX Operator 2.2.30 writes, transcribed by hand from its observed output and documented behaviour.
 * Nothing here calls our builders: these are the expectations the builders are judged
 * against. Values are as the apiserver stores them, so pure apiserver defaults (a container port's `protocol: TCP`)
 * are written out where the operator left them to the apiserver.
 */
import type { V1EnvVar, V1Probe, V1Volume, V1VolumeMount } from "@kubernetes/client-node";

export const NAME = "mq";
export const NAMESPACE = "iot";
export const UID = "5a1b2c3d-0000-4e5f-8a9b-0c1d2e3f4a5b";
export const IMAGE = "emqx/emqx:5.8.6";

/** A controller owner reference on every created object. */
export const OWNER_REFS = [
  {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    name: NAME,
    uid: UID,
    controller: true,
    blockOwnerDeletion: true,
  },
];

/** The operator's label sets. */
export const DEFAULT_LABELS = { "apps.emqx.io/instance": NAME, "apps.emqx.io/managed-by": "emqx-operator" };
export const CORE_LABELS = { ...DEFAULT_LABELS, "apps.emqx.io/db-role": "core" };
export const REPLICANT_LABELS = { ...DEFAULT_LABELS, "apps.emqx.io/db-role": "replicant" };
export const HASH_LABEL = "apps.emqx.io/pod-template-hash";

/** The defaults of the CRD. */
export const DEFAULT_POD_SECURITY_CONTEXT = {
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  fsGroupChangePolicy: "Always",
  supplementalGroups: [1000],
};
export const DEFAULT_CONTAINER_SECURITY_CONTEXT = { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true };
export const DEFAULT_LIVENESS: V1Probe = {
  initialDelaySeconds: 60,
  periodSeconds: 30,
  failureThreshold: 3,
  httpGet: { path: "/status", port: "dashboard" },
};
export const DEFAULT_READINESS: V1Probe = {
  initialDelaySeconds: 10,
  periodSeconds: 5,
  failureThreshold: 12,
  httpGet: { path: "/status", port: "dashboard" },
};

/** The operator's env, after the dashboard variables (which are prepended by each case). */
export function operatorEnv(
  role: "core" | "replicant",
  namespace = NAMESPACE,
  clusterDomain = "cluster.local",
): V1EnvVar[] {
  const core = role === "core";
  return [
    ...(core ? [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }] : []),
    { name: "EMQX_CLUSTER__DISCOVERY_STRATEGY", value: "dns" },
    { name: "EMQX_CLUSTER__DNS__RECORD_TYPE", value: "srv" },
    { name: "EMQX_CLUSTER__DNS__NAME", value: `${NAME}-headless.${namespace}.svc.${clusterDomain}` },
    core
      ? { name: "EMQX_HOST", value: "$(POD_NAME).$(EMQX_CLUSTER__DNS__NAME)" }
      : { name: "EMQX_HOST", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
    { name: "EMQX_NODE__DATA_DIR", value: "data" },
    { name: "EMQX_NODE__ROLE", value: role },
    {
      name: "EMQX_NODE__COOKIE",
      valueFrom: { secretKeyRef: { name: `${NAME}-node-cookie`, key: "node_cookie" } },
    },
    { name: "EMQX_API_KEY__BOOTSTRAP_FILE", value: '"/opt/emqx/data/bootstrap_api_key"' },
  ];
}

export const HTTP_BIND = (port: number): V1EnvVar => ({
  name: "EMQX_DASHBOARD__LISTENERS__HTTP__BIND",
  value: String(port),
});
export const HTTPS_BIND = (port: number): V1EnvVar => ({
  name: "EMQX_DASHBOARD__LISTENERS__HTTPS__BIND",
  value: String(port),
});

/** The operator's volume mounts, in order. */
export function operatorMounts(role: "core" | "replicant"): V1VolumeMount[] {
  return [
    {
      name: "bootstrap-api-key",
      mountPath: "/opt/emqx/data/bootstrap_api_key",
      subPath: "bootstrap_api_key",
      readOnly: true,
    },
    { name: "bootstrap-config", mountPath: "/opt/emqx/etc/emqx.conf", subPath: "emqx.conf", readOnly: true },
    { name: `${NAME}-${role}-log`, mountPath: "/opt/emqx/log" },
    { name: `${NAME}-${role}-data`, mountPath: "/opt/emqx/data" },
  ];
}

const API_KEY_VOLUME: V1Volume = {
  name: "bootstrap-api-key",
  secret: { secretName: `${NAME}-bootstrap-api-key` },
};
const CONFIG_VOLUME: V1Volume = { name: "bootstrap-config", configMap: { name: `${NAME}-configs` } };

/** Volume order by role: core `data, api-key, config, log` (no data with a claim); replicant `api-key, config, log, data`. */
export function operatorVolumes(role: "core" | "replicant", claim = false): V1Volume[] {
  const log: V1Volume = { name: `${NAME}-${role}-log`, emptyDir: {} };
  const data: V1Volume = { name: `${NAME}-${role}-data`, emptyDir: {} };
  if (role === "replicant") return [API_KEY_VOLUME, CONFIG_VOLUME, log, data];
  return claim ? [API_KEY_VOLUME, CONFIG_VOLUME, log] : [data, API_KEY_VOLUME, CONFIG_VOLUME, log];
}

/** The ConfigMap header, verbatim (two spaces in the ws line). */
export const CONFIG_HEADER =
  "listeners.tcp.default.bind = 1883\nlisteners.ssl.default.bind = 8883\nlisteners.ws.default.bind  = 8083\nlisteners.wss.default.bind = 8084\n";

/** The headless Service ports. */
export const HEADLESS_PORTS = [
  { name: "erlang-dist", port: 4370, protocol: "TCP", targetPort: 4370 },
  { name: "gen-rpc", port: 5369, protocol: "TCP", targetPort: 5369 },
];

/** A derived Service port. */
export function servicePort(name: string, port: number, protocol = "TCP") {
  return { name, protocol, port, targetPort: port };
}

/** The four default listeners, sorted by name (what the ConfigMap header derives). */
export const DEFAULT_LISTENER_PORTS = [
  servicePort("ssl-default", 8883),
  servicePort("tcp-default", 1883),
  servicePort("ws-default", 8083),
  servicePort("wss-default", 8084),
];
