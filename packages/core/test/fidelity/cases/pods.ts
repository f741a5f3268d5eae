/**
 * Matrix rows about the pods: replicas, labels, scheduling, env, ports, probes, volumes. Each expectation is written out by hand.
 */
import type { FidelityCase } from "../fidelityCase.ts";
import { DEFAULT_LIVENESS, DEFAULT_READINESS, HTTP_BIND, HTTPS_BIND, operatorEnv } from "../operator.ts";
import { RESOURCES_CASES } from "./podSettings.ts";

const dashboardPort = (port = 18083) => ({ name: "dashboard", containerPort: port, protocol: "TCP" });

export const POD_CASES: FidelityCase[] = [
  {
    name: "core only, every default: 1 core, no replicant set",
    spec: {},
    core: { replicas: 1 },
  },
  {
    name: "core + replicants, listeners on replicants once they are ready",
    spec: {
      coreTemplate: { spec: { replicas: 2, resources: { requests: { cpu: "250m", memory: "512Mi" } } } },
      replicantTemplate: { spec: { replicas: 3, resources: { limits: { cpu: "1", memory: "1Gi" } } } },
    },
    options: { useReplicantSelector: true },
    core: { replicas: 2, container: { resources: { requests: { cpu: "250m", memory: "512Mi" } } } },
    replicant: { replicas: 3, container: { resources: { limits: { cpu: "1", memory: "1Gi" } } } },
    replicantPdb: {},
    listeners: {
      ports: [
        { name: "ssl-default", protocol: "TCP", port: 8883, targetPort: 8883 },
        { name: "tcp-default", protocol: "TCP", port: 1883, targetPort: 1883 },
        { name: "ws-default", protocol: "TCP", port: 8083, targetPort: 8083 },
        { name: "wss-default", protocol: "TCP", port: 8084, targetPort: 8084 },
      ],
      selectorRole: "replicant",
    },
  },
  {
    name: "replicas 0 on both: a 0-replica ReplicaSet, no replicant PDB",
    spec: { coreTemplate: { spec: { replicas: 0 } }, replicantTemplate: { spec: { replicas: 0 } } },
    core: { replicas: 0 },
    replicant: { replicas: 0 },
  },
  {
    name: "template specs without replicas default to 2 (field-level default)",
    spec: { coreTemplate: { spec: {} }, replicantTemplate: { spec: {} } },
    core: { replicas: 2 },
    replicant: { replicas: 2 },
    replicantPdb: {},
  },
  {
    name: "labels and annotations on the CR and the templates; apps.emqx.io/* cannot be overridden",
    metadata: {
      labels: { team: "iot", "apps.emqx.io/instance": "evil", "apps.emqx.io/managed-by": "someone" },
      annotations: { "owner/contact": "ops" },
    },
    spec: {
      coreTemplate: {
        metadata: {
          labels: {
            tier: "core",
            "apps.emqx.io/db-role": "replicant",
            "apps.emqx.io/pod-template-hash": "fake",
          },
          annotations: { "prometheus.io/scrape": "true" },
        },
        spec: { replicas: 2 },
      },
      replicantTemplate: {
        metadata: { labels: { tier: "edge", "apps.emqx.io/instance": "other" }, annotations: { a: "b" } },
        spec: { replicas: 1 },
      },
    },
    crLabels: { team: "iot" },
    core: {
      replicas: 2,
      // CloneAndMergeMap keeps ours; the hash key is not one of ours, so the template's value stays until the
      // real hash is added over it on the set and pods (CloneAndAddLabel), but not in the PDB selector.
      extraLabels: { tier: "core" },
      annotations: { "prometheus.io/scrape": "true" },
    },
    corePdb: { extraLabels: { tier: "core", "apps.emqx.io/pod-template-hash": "fake" } },
    replicant: { replicas: 1, extraLabels: { tier: "edge" }, annotations: { a: "b" } },
    replicantPdb: { extraLabels: { tier: "edge" } },
  },
  {
    name: "clusterDomain and namespace reach EMQX_CLUSTER__DNS__NAME and every child",
    namespace: "edge",
    spec: { clusterDomain: "k8s.example", replicantTemplate: { spec: { replicas: 1 } } },
    core: { replicas: 1, clusterDomain: "k8s.example" },
    replicant: { replicas: 1, clusterDomain: "k8s.example" },
    replicantPdb: {},
  },
  {
    name: "pull settings and scheduling, core and replicant each their own; toleRations after tolerations",
    spec: {
      imagePullPolicy: "Always",
      imagePullSecrets: [{ name: "regcred" }],
      serviceAccountName: "emqx-sa",
      coreTemplate: {
        spec: {
          replicas: 3,
          nodeSelector: { disk: "ssd" },
          nodeName: "node-1",
          affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
          tolerations: [{ key: "a", operator: "Exists" }],
          toleRations: [{ key: "b", operator: "Exists", effect: "NoSchedule" }],
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: {} },
          ],
        },
      },
      replicantTemplate: {
        spec: {
          replicas: 2,
          nodeSelector: { pool: "edge" },
          toleRations: [{ key: "legacy", operator: "Exists" }],
          topologySpreadConstraints: [
            { maxSkew: 2, topologyKey: "host", whenUnsatisfiable: "ScheduleAnyway" },
          ],
        },
      },
    },
    core: {
      replicas: 3,
      container: { imagePullPolicy: "Always" },
      pod: {
        imagePullSecrets: [{ name: "regcred" }],
        serviceAccountName: "emqx-sa",
        nodeSelector: { disk: "ssd" },
        nodeName: "node-1",
        affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
        tolerations: [
          { key: "a", operator: "Exists" },
          { key: "b", operator: "Exists", effect: "NoSchedule" },
        ],
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: {} },
        ],
      },
    },
    replicant: {
      replicas: 2,
      container: { imagePullPolicy: "Always" },
      pod: {
        imagePullSecrets: [{ name: "regcred" }],
        serviceAccountName: "emqx-sa",
        nodeSelector: { pool: "edge" },
        tolerations: [{ key: "legacy", operator: "Exists" }],
        topologySpreadConstraints: [{ maxSkew: 2, topologyKey: "host", whenUnsatisfiable: "ScheduleAnyway" }],
      },
    },
    replicantPdb: {},
  },
  {
    // Deliberate difference: the operator stores both entries of a repeated name (with Update) and the kubelet
    // runs the last, the user's; server-side apply refuses duplicate keys (HTTP 500), so we store one entry per
    // name, the user's value at the operator's place: the env the pod runs with is the same.
    name: "user env after the operator's; a repeated name keeps the user's value at the operator's place",
    spec: {
      coreTemplate: {
        spec: {
          replicas: 1,
          command: ["/usr/bin/docker-entrypoint.sh"],
          args: ["/opt/emqx/bin/emqx", "foreground"],
          env: [
            { name: "EMQX_NODE__COOKIE", value: "override" },
            { name: "EMQX_HOST", value: "fixed.example" },
            {
              name: "EMQX_LOG__CONSOLE__LEVEL",
              valueFrom: { configMapKeyRef: { name: "log", key: "level" } },
            },
          ],
          envFrom: [
            { secretRef: { name: "emqx-extra" } },
            { configMapRef: { name: "emqx-env" }, prefix: "X_" },
          ],
        },
      },
    },
    core: {
      replicas: 1,
      env: [
        HTTP_BIND(18083),
        ...operatorEnv("core").map((e) =>
          e.name === "EMQX_NODE__COOKIE"
            ? { name: e.name, value: "override" }
            : e.name === "EMQX_HOST"
              ? { name: e.name, value: "fixed.example" }
              : e,
        ),
        { name: "EMQX_LOG__CONSOLE__LEVEL", valueFrom: { configMapKeyRef: { name: "log", key: "level" } } },
      ],
      container: {
        command: ["/usr/bin/docker-entrypoint.sh"],
        args: ["/opt/emqx/bin/emqx", "foreground"],
        envFrom: [
          { secretRef: { name: "emqx-extra" } },
          { configMapRef: { name: "emqx-env" }, prefix: "X_" },
        ],
      },
    },
  },
  {
    name: 'user ports first, de-duplicated by name and number, a missing name counting as ""',
    spec: {
      coreTemplate: {
        spec: {
          replicas: 1,
          ports: [
            { name: "metrics", containerPort: 9100 },
            { name: "metrics", containerPort: 9101 },
            { name: "prom", containerPort: 9100 },
            { containerPort: 7000, protocol: "UDP" },
            { containerPort: 7001 },
          ],
        },
      },
    },
    core: {
      replicas: 1,
      ports: [
        { name: "metrics", containerPort: 9100, protocol: "TCP" },
        { containerPort: 7000, protocol: "UDP" },
        dashboardPort(),
      ],
    },
  },
  {
    name: "DELIBERATE (not yet in the README table): a user port named dashboard or on 18083 never moves the dashboard",
    spec: {
      coreTemplate: {
        spec: {
          replicas: 1,
          ports: [
            { name: "dashboard", containerPort: 8080 },
            { name: "web", containerPort: 18083 },
            { name: "mqtt", containerPort: 1883 },
          ],
        },
      },
    },
    // The operator keeps `dashboard 8080` (and `web 18083`), sets EMQX_DASHBOARD__LISTENERS__HTTP__BIND=8080 while
    // its API client still calls 18083 from config.data, so the cluster never turns Ready. We drop the
    // clashing user ports so the dashboard, its variable, the probes and the API client agree.
    core: { replicas: 1, ports: [{ name: "mqtt", containerPort: 1883, protocol: "TCP" }, dashboardPort()] },
  },
  {
    name: "https-only dashboard: dashboard-https port and variable; probes retargeted (README table)",
    spec: {
      config: { data: "dashboard.listeners.http.bind = 0\ndashboard.listeners.https.bind = 18084\n" },
    },
    core: {
      replicas: 1,
      ports: [{ name: "dashboard-https", containerPort: 18084, protocol: "TCP" }],
      dashboardEnv: [HTTPS_BIND(18084)],
      // Operator: both probes keep port "dashboard", which does not exist. Deliberate fix.
      container: {
        livenessProbe: {
          ...DEFAULT_LIVENESS,
          httpGet: { path: "/status", port: "dashboard-https", scheme: "HTTPS" },
        },
        readinessProbe: {
          ...DEFAULT_READINESS,
          httpGet: { path: "/status", port: "dashboard-https", scheme: "HTTPS" },
        },
      },
    },
    dashboard: { ports: [{ name: "dashboard-https", protocol: "TCP", port: 18084, targetPort: 18084 }] },
  },
  {
    name: "http on a custom port plus https: ports sorted by name, HTTPS variable first",
    spec: {
      config: {
        data: 'dashboard.listeners.http.bind = "0.0.0.0:18888"\ndashboard.listeners.https.bind = "[::]:18084"\n',
      },
      replicantTemplate: { spec: { replicas: 1 } },
    },
    core: {
      replicas: 1,
      ports: [dashboardPort(18888), { name: "dashboard-https", containerPort: 18084, protocol: "TCP" }],
      dashboardEnv: [HTTPS_BIND(18084), HTTP_BIND(18888)],
    },
    replicant: {
      replicas: 1,
      ports: [dashboardPort(18888), { name: "dashboard-https", containerPort: 18084, protocol: "TCP" }],
      dashboardEnv: [HTTPS_BIND(18084), HTTP_BIND(18888)],
    },
    replicantPdb: {},
    dashboard: {
      ports: [
        { name: "dashboard", protocol: "TCP", port: 18888, targetPort: 18888 },
        { name: "dashboard-https", protocol: "TCP", port: 18084, targetPort: 18084 },
      ],
    },
  },
  {
    name: "http dashboard disabled, no https: no dashboard port, variable or Service; probes untouched",
    spec: {
      config: { data: "dashboard.listeners.http.bind = 0" },
      dashboardServiceTemplate: { spec: { ports: [{ name: "web", port: 80, targetPort: 8080 }] } },
    },
    core: { replicas: 1, ports: null, dashboardEnv: [] },
    dashboard: null,
  },
  ...RESOURCES_CASES,
];
