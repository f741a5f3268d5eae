/** Test helpers: EMQX pods shaped like the operator's (env, labels, volumes), without Kubernetes. */
import type { V1EnvVar, V1Pod } from "@kubernetes/client-node";

/** What a test pod needs. */
export interface TestPodOptions {
  readonly name: string;
  readonly ip: string;
  readonly role: "core" | "replicant";
  readonly namespace?: string;
  readonly cluster?: string;
  readonly image?: string;
  readonly port?: number;
  readonly startedAt?: string;
  readonly uid?: string;
  readonly phase?: string;
}

/** A Running EMQX pod with the operator's environment for its role. */
export function buildPod(o: TestPodOptions): V1Pod {
  const namespace = o.namespace ?? "default";
  const cluster = o.cluster ?? "emqx";
  const env: V1EnvVar[] = [
    ...(o.port ? [{ name: "EMQX_DASHBOARD__LISTENERS__HTTP__BIND", value: String(o.port) }] : []),
    ...(o.role === "core"
      ? [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }]
      : []),
    { name: "EMQX_CLUSTER__DISCOVERY_STRATEGY", value: "dns" },
    { name: "EMQX_CLUSTER__DNS__RECORD_TYPE", value: "srv" },
    { name: "EMQX_CLUSTER__DNS__NAME", value: `${cluster}-headless.${namespace}.svc.cluster.local` },
    o.role === "core"
      ? { name: "EMQX_HOST", value: "$(POD_NAME).$(EMQX_CLUSTER__DNS__NAME)" }
      : { name: "EMQX_HOST", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
    { name: "EMQX_NODE__DATA_DIR", value: "data" },
    { name: "EMQX_NODE__ROLE", value: o.role },
    {
      name: "EMQX_NODE__COOKIE",
      valueFrom: { secretKeyRef: { name: `${cluster}-node-cookie`, key: "node_cookie" } },
    },
    { name: "EMQX_API_KEY__BOOTSTRAP_FILE", value: '"/opt/emqx/data/bootstrap_api_key"' },
  ];
  return {
    metadata: {
      name: o.name,
      namespace,
      uid: o.uid ?? `uid-${o.name}`,
      labels: { "apps.emqx.io/instance": cluster, "apps.emqx.io/db-role": o.role },
    },
    spec: { containers: [{ name: "emqx", image: o.image ?? "emqx/emqx:6.0.1", env }] },
    status: {
      phase: o.phase ?? "Running",
      podIP: o.ip,
      startTime: new Date(o.startedAt ?? "2026-01-01T00:00:00Z"),
      containerStatuses: [
        {
          name: "emqx",
          image: o.image ?? "emqx/emqx:6.0.1",
          imageID: "",
          ready: true,
          restartCount: 0,
          state: { running: { startedAt: new Date(o.startedAt ?? "2026-01-01T00:00:00Z") } },
        },
      ],
    },
  };
}

/** Basic auth header value. */
export function basic(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}`;
}

/** The operator's bootstrap Secret text: user keys, then the controller key. */
export const BOOTSTRAP_KEYS =
  "viewer-key:viewer-secret:viewer\npub-key:pub-secret:publisher\nemqx-operator-controller:s3cr3t";

/** Auth header of the operator's key. */
export const OPERATOR_AUTH = basic("emqx-operator-controller", "s3cr3t");

/** The operator's ConfigMap content: listeners header + user config. */
export const CONFIG_TEXT = `listeners.tcp.default.bind = 1883
listeners.ssl.default.bind = 8883
listeners.ws.default.bind  = 8083
listeners.wss.default.bind = 8084
dashboard.listeners.http.bind = 18083
node.cookie = "sekrit"
`;
