import { describe, expect, it } from "vitest";
import { EmqxSpecSchema } from "../../src/emqx/spec.ts";
import { IMAGE } from "../fixtures.ts";

const LIVENESS = {
  initialDelaySeconds: 60,
  periodSeconds: 30,
  failureThreshold: 3,
  httpGet: { path: "/status", port: "dashboard" },
};
const READINESS = {
  initialDelaySeconds: 10,
  periodSeconds: 5,
  failureThreshold: 12,
  httpGet: { path: "/status", port: "dashboard" },
};
const POD_SC = {
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  fsGroupChangePolicy: "Always",
  supplementalGroups: [1000],
};
const CONTAINER_SC = { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true };
const NESTED = {
  podSecurityContext: POD_SC,
  containerSecurityContext: CONTAINER_SC,
  livenessProbe: LIVENESS,
  readinessProbe: READINESS,
};

function parse(spec: Record<string, unknown>) {
  return EmqxSpecSchema.parse({ image: IMAGE, ...spec });
}

describe("EmqxSpecSchema defaults", () => {
  it.each([
    ["coreTemplate absent → 1 replica with nested defaults", {}, { spec: { replicas: 1, ...NESTED } }],
    [
      "coreTemplate.spec without replicas → field-level 2",
      { coreTemplate: { spec: {} } },
      { spec: { replicas: 2, ...NESTED } },
    ],
    [
      "coreTemplate with metadata only → spec defaulted rather than a nil replicas",
      { coreTemplate: { metadata: { labels: { a: "b" } } } },
      { metadata: { labels: { a: "b" } }, spec: { replicas: 2, ...NESTED } },
    ],
    [
      "explicit replicas kept",
      { coreTemplate: { spec: { replicas: 3 } } },
      { spec: { replicas: 3, ...NESTED } },
    ],
  ])("%s", (_name, spec, coreTemplate) => {
    // Act
    const parsed = parse(spec);
    // Assess
    expect(parsed.coreTemplate).toEqual(coreTemplate);
  });

  it("leaves an absent replicantTemplate absent, as the operator's CRD does", () => {
    expect(parse({}).replicantTemplate).toBeUndefined();
  });

  it.each([
    ["present without spec → 0 replicas", { replicantTemplate: { metadata: {} } }, 0],
    ["spec without replicas → field-level 2", { replicantTemplate: { spec: {} } }, 2],
  ])("replicantTemplate %s", (_name, spec, replicas) => {
    const parsed = parse(spec);
    expect(parsed.replicantTemplate?.spec).toEqual({ replicas, ...NESTED });
  });

  it("fills the top-level defaults", () => {
    const parsed = parse({});
    expect(parsed.clusterDomain).toBe("cluster.local");
    expect(parsed.revisionHistoryLimit).toBe(3);
    expect(parsed.config).toBeUndefined();
    expect(parsed.updateStrategy).toEqual({
      type: "Recreate",
      initialDelaySeconds: 10,
      evacuationStrategy: { waitTakeover: 10, connEvictRate: 1000, sessEvictRate: 1000 },
    });
  });

  it("applies evacuation defaults only where the CRD has field-level ones", () => {
    expect(parse({ updateStrategy: { initialDelaySeconds: 5 } }).updateStrategy).toEqual({
      type: "Recreate",
      initialDelaySeconds: 5,
    });
    expect(parse({ updateStrategy: { evacuationStrategy: {} } }).updateStrategy).toEqual({
      type: "Recreate",
      evacuationStrategy: { connEvictRate: 1000, sessEvictRate: 1000 },
    });
  });

  it("defaults config.mode to Merge when config is given", () => {
    expect(parse({ config: { data: "a = 1" } }).config).toEqual({ mode: "Merge", data: "a = 1" });
  });

  it("defaults Service templates to enabled", () => {
    const parsed = parse({ dashboardServiceTemplate: { spec: { type: "LoadBalancer" } } });
    expect(parsed.dashboardServiceTemplate).toEqual({ enabled: true, spec: { type: "LoadBalancer" } });
  });

  it("lets a user security context replace the default entirely", () => {
    const parsed = parse({ coreTemplate: { spec: { podSecurityContext: { runAsUser: 0 } } } });
    expect(parsed.coreTemplate.spec.podSecurityContext).toEqual({ runAsUser: 0 });
  });

  it("hands out fresh default objects", () => {
    // Prepare
    const first = parse({});
    // Act
    first.coreTemplate.spec.livenessProbe.initialDelaySeconds = 1;
    first.updateStrategy.evacuationStrategy = undefined;
    // Assess
    const second = parse({});
    expect(second.coreTemplate.spec.livenessProbe.initialDelaySeconds).toBe(60);
    expect(second.updateStrategy.evacuationStrategy?.waitTakeover).toBe(10);
  });
});

describe("EmqxSpecSchema fields", () => {
  const podFields = {
    nodeSelector: { disk: "ssd" },
    nodeName: "node-1",
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
    toleRations: [{ key: "legacy", operator: "Exists" }],
    tolerations: [{ key: "a", operator: "Exists", effect: "NoSchedule" }],
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule" }],
    replicas: 3,
    maxUnavailable: "50%",
    command: ["/bin/sh"],
    args: ["-c", "emqx foreground"],
    ports: [{ name: "mqtt", containerPort: 1883 }],
    env: [{ name: "EMQX_LOG__CONSOLE__LEVEL", value: "debug" }],
    envFrom: [{ configMapRef: { name: "extra" } }],
    resources: { limits: { cpu: "1", memory: "2Gi" }, requests: { cpu: "250m", memory: "512Mi" } },
    podSecurityContext: { runAsUser: 2000 },
    containerSecurityContext: { runAsNonRoot: false },
    initContainers: [{ name: "init", image: "busybox" }],
    extraContainers: [{ name: "sidecar", image: "busybox" }],
    extraVolumes: [{ name: "certs", secret: { secretName: "certs" } }],
    extraVolumeMounts: [{ name: "certs", mountPath: "/certs" }],
    livenessProbe: { tcpSocket: { port: 1883 } },
    readinessProbe: { tcpSocket: { port: 1883 } },
    startupProbe: { tcpSocket: { port: 1883 } },
    lifecycle: { preStop: { exec: { command: ["emqx", "ctl", "cluster", "leave"] } } },
  };
  const spec = {
    image: IMAGE,
    imagePullPolicy: "IfNotPresent",
    imagePullSecrets: [{ name: "registry" }],
    serviceAccountName: "emqx",
    bootstrapAPIKeys: [
      { key: "ops", secret: "secret-1" },
      {
        secretRef: {
          key: { secretName: "k", secretKey: "key" },
          secret: { secretName: "k", secretKey: "secret" },
        },
      },
    ],
    config: { mode: "Replace", data: "log.console.level = debug" },
    clusterDomain: "example.local",
    revisionHistoryLimit: 5,
    updateStrategy: {
      type: "Recreate",
      initialDelaySeconds: 30,
      evacuationStrategy: { waitTakeover: 5, connEvictRate: 10, sessEvictRate: 20 },
    },
    coreTemplate: {
      metadata: { labels: { tier: "core" }, annotations: { note: "x" } },
      spec: { ...podFields, volumeClaimTemplates: { resources: { requests: { storage: "1Gi" } } } },
    },
    replicantTemplate: { metadata: { labels: { tier: "replicant" } }, spec: { ...podFields, replicas: 4 } },
    dashboardServiceTemplate: {
      enabled: false,
      metadata: { annotations: { a: "b" } },
      spec: { type: "NodePort" },
    },
    listenersServiceTemplate: {
      enabled: true,
      spec: { type: "LoadBalancer", externalTrafficPolicy: "Local" },
    },
  };

  it("accepts every field with its JSON name and keeps its value", () => {
    expect(EmqxSpecSchema.parse(spec)).toEqual(spec);
  });

  it("normalises numeric quantities to strings, the type client-node uses", () => {
    const parsed = EmqxSpecSchema.parse({
      image: IMAGE,
      coreTemplate: { spec: { resources: { limits: { cpu: 1 } } } },
    });
    expect(parsed.coreTemplate.spec.resources?.limits).toEqual({ cpu: "1" });
  });

  it("drops unknown fields, as the API server prunes them", () => {
    const parsed = EmqxSpecSchema.parse({ image: IMAGE, replicaTemplate: { spec: { replicas: 9 } } });
    expect(parsed).not.toHaveProperty("replicaTemplate");
  });
});
