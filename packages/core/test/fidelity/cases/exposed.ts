/**
 * Matrix rows about Secrets, the ConfigMap, PDBs and the dashboard / listeners Services.
 */
import type { FidelityCase } from "../fidelityCase.ts";

const tcp = (name: string, port: number, targetPort: number | string = port) => ({
  name,
  protocol: "TCP",
  port,
  targetPort,
});
const udp = (name: string, port: number) => ({ name, protocol: "UDP", port, targetPort: port });

const LIVE_CONFIG = `
listeners.tcp.default.bind = "0.0.0.0:11883"
listeners.tcp.internal.bind = "127.0.0.1:11884"
listeners.ssl.default { bind = "0.0.0.0:8883", enable = false }
listeners.ws.default.bind = "0.0.0.0:8083"
listeners.wss.default { bind = "0.0.0.0:8084", enabled = false }
listeners.quic.default.bind = "0.0.0.0:14567"
gateway.lwm2m.listeners.udp.default.bind = "5783"
gateway.coap {
  listeners.dtls.default.bind = "5684"
  listeners.udp.default { bind = "5683", enable = false }
}
gateway.stomp { enable = false, listeners.tcp.default.bind = 61613 }
dashboard.listeners.http.bind = 18083
`;

export const PDB_AND_SERVICE_CASES: FidelityCase[] = [
  {
    name: "node.cookie quoted in config.data: stored wrapped in double quotes",
    spec: { config: { data: 'node.cookie = "sekrit-cookie"\n' } },
    core: { replicas: 1 },
    cookie: '"sekrit-cookie"',
  },
  {
    name: "node.cookie unquoted (object form): stored wrapped in double quotes all the same",
    spec: { config: { mode: "Merge", data: "node {\n  cookie = unquoted-cookie\n}\n" } },
    core: { replicas: 1 },
    cookie: '"unquoted-cookie"',
  },
  {
    name: "bootstrapAPIKeys: literal and secretRef lines in spec order, then the controller's key",
    spec: {
      bootstrapAPIKeys: [
        { key: "ops", secret: "ops-secret-1" },
        {
          secretRef: {
            key: { secretName: "api-key-name", secretKey: "name" },
            secret: { secretName: "api-key-value", secretKey: "value" },
          },
        },
        { key: "ci_bot", secret: "ci-secret-2" },
      ],
    },
    options: {
      refValues: { "api-key-name": { name: "from_ref" }, "api-key-value": { value: "ref-secret-3" } },
    },
    core: { replicas: 1 },
    bootstrapLines: ["ops:ops-secret-1", "from_ref:ref-secret-3", "ci_bot:ci-secret-2"],
  },
  {
    name: "listeners from the live config: custom ports, disabled ones absent, quic and gateway udp/dtls on UDP",
    spec: { replicantTemplate: { spec: { replicas: 2 } } },
    options: { liveConfig: LIVE_CONFIG },
    core: { replicas: 1 },
    replicant: { replicas: 2 },
    replicantPdb: {},
    listeners: {
      ports: [
        udp("coap-dtls-default", 5684),
        udp("lwm2m-udp-default", 5783),
        udp("quic-default", 14567),
        tcp("tcp-default", 11883),
        tcp("tcp-internal", 11884),
        tcp("ws-default", 8083),
      ],
    },
  },
  {
    name: "Service templates: NodePort / LoadBalancer, own ports first (clashing names and numbers win), labels, annotations",
    metadata: { labels: { team: "iot" } },
    spec: {
      dashboardServiceTemplate: {
        metadata: {
          labels: { expose: "dashboard", "apps.emqx.io/managed-by": "nobody" },
          annotations: { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" },
        },
        spec: {
          type: "NodePort",
          externalTrafficPolicy: "Local",
          selector: { app: "ignored" },
          ports: [
            { name: "dashboard", port: 80, targetPort: 18083, nodePort: 30080 },
            { name: "extra", port: 18083 },
          ],
        },
      },
      listenersServiceTemplate: {
        metadata: { labels: { expose: "mqtt" }, annotations: { "lb/scheme": "internet-facing" } },
        spec: {
          type: "LoadBalancer",
          loadBalancerSourceRanges: ["10.0.0.0/8"],
          ports: [
            { name: "tcp-default", port: 1884, targetPort: 1883 },
            { name: "mqtts", port: 8883, protocol: "TCP" },
          ],
        },
      },
    },
    crLabels: { team: "iot" },
    core: { replicas: 1 },
    dashboard: {
      labels: { expose: "dashboard" },
      annotations: { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" },
      spec: { type: "NodePort", externalTrafficPolicy: "Local" },
      // `extra` has no targetPort: the operator leaves it to the apiserver, which sets it to the port; we set it
      // ourselves (README table: "Service template port without targetPort").
      ports: [
        { name: "dashboard", protocol: "TCP", port: 80, targetPort: 18083, nodePort: 30080 },
        tcp("extra", 18083),
      ],
    },
    listeners: {
      labels: { expose: "mqtt" },
      annotations: { "lb/scheme": "internet-facing" },
      spec: { type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8"] },
      ports: [
        tcp("tcp-default", 1884, 1883),
        tcp("mqtts", 8883),
        tcp("ws-default", 8083),
        tcp("wss-default", 8084),
      ],
    },
  },
  {
    name: "Service templates with enabled: false generate no Service",
    spec: {
      dashboardServiceTemplate: { enabled: false, spec: { type: "LoadBalancer" } },
      listenersServiceTemplate: { enabled: false },
    },
    core: { replicas: 1 },
    dashboard: null,
    listeners: null,
  },
  {
    name: "minAvailable / maxUnavailable on both templates reach the PDBs as given",
    spec: {
      coreTemplate: { metadata: { labels: { tier: "core" } }, spec: { replicas: 3, minAvailable: 2 } },
      replicantTemplate: {
        metadata: { labels: { tier: "edge" } },
        spec: { replicas: 4, maxUnavailable: "25%" },
      },
    },
    core: { replicas: 3, extraLabels: { tier: "core" } },
    corePdb: { minAvailable: 2 },
    replicant: { replicas: 4, extraLabels: { tier: "edge" } },
    replicantPdb: { maxUnavailable: "25%" },
  },
];
