/**
 * Seeded generator of EMQX CRs that use the pod-level fields of `coreTemplate.spec` / `replicantTemplate.spec` the
 * way users write them: sidecars and init containers with their own probes and ports, extra volumes of every
 * common source and their mounts, a service account, affinity, tolerations, topology spread, security contexts,
 * resources spelled in several ways, a non-default `clusterDomain` — each field left in the apiserver-defaulted
 * shape (no `protocol`, no `defaultMode`, no probe timings, no `fieldRef.apiVersion`), which is where a template
 * comparison goes wrong.
 *
 * Every generated CR is schedulable on the sandbox's kwok nodes (hard constraints only name labels the nodes
 * have) and needs nothing but a ServiceAccount `emqx-sa` and the ConfigMap / Secret of {@link supportObjects}.
 */

/** A seeded PRNG (mulberry32): the same seed gives the same CRs on every machine. */
export class Rand {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `p`. */
  chance(p = 0.5): boolean {
    return this.next() < p;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

type Obj = Record<string, unknown>;

/** Options of {@link randomCr}. */
export interface RandomCrOptions {
  /** Include every field at once instead of a random subset. */
  everything?: boolean;
  /** Include volume sources the sandbox cannot serve to a running pod (ephemeral claims); for dry runs only. */
  dryRunOnly?: boolean;
}

/** ConfigMap / Secret / ServiceAccount names the generated CRs refer to. */
export const SUPPORT = { configMap: "emqx-extra", secret: "emqx-extra", serviceAccount: "emqx-sa" } as const;

/** The objects a namespace needs before generated CRs are applied to it. */
export function supportObjects(namespace: string): Obj[] {
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: SUPPORT.serviceAccount, namespace } },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: SUPPORT.configMap, namespace },
      data: { "extra.conf": "# extra", level: "info" },
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: SUPPORT.secret, namespace },
      stringData: { token: "not-a-real-token" },
    },
  ];
}

function probe(r: Rand, port: number): Obj {
  const handler = r.pick([
    { httpGet: { port } },
    { httpGet: { port, path: "/status" } },
    { tcpSocket: { port } },
    { exec: { command: ["sh", "-c", "true"] } },
    { grpc: { port } },
  ]);
  return { ...handler, ...(r.chance(0.3) ? { initialDelaySeconds: r.int(1, 10) } : {}) };
}

function resources(r: Rand): Obj {
  return {
    requests: { cpu: r.pick(["100m", "0.1", "250m"]), memory: r.pick(["64Mi", "67108864", "0.0625Gi"]) },
    limits: { cpu: r.pick(["1", "1000m", "1.5"]), memory: r.pick(["1Gi", "1024Mi", "512Mi"]) },
  };
}

function env(r: Rand): Obj[] {
  const all: Obj[] = [
    { name: "MY_POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "MY_NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
    {
      name: "EXTRA_TOKEN",
      valueFrom: { secretKeyRef: { name: SUPPORT.secret, key: "token", optional: true } },
    },
    { name: "EXTRA_LEVEL", valueFrom: { configMapKeyRef: { name: SUPPORT.configMap, key: "level" } } },
    { name: "PLAIN", value: "x" },
    { name: "EMPTY", value: "" },
  ];
  return all.filter(() => r.chance(0.6));
}

function sidecar(r: Rand, name: string, port: number, everything: boolean): Obj {
  const pick = (p = 0.5) => everything || r.chance(p);
  return {
    name,
    image: r.pick(["busybox:1.36", "busybox", "registry.example.com/tools/agent:2.1"]),
    ...(pick() ? { command: ["sh", "-c", "sleep 3600"] } : {}),
    ...(pick() ? { ports: [{ name: `${name}-port`.slice(0, 15), containerPort: port }] } : {}),
    ...(pick() ? { env: env(r) } : {}),
    ...(pick() ? { resources: resources(r) } : {}),
    ...(pick() ? { livenessProbe: probe(r, port) } : {}),
    ...(pick() ? { readinessProbe: probe(r, port) } : {}),
    ...(pick(0.3) ? { startupProbe: probe(r, port) } : {}),
    ...(pick(0.3) ? { lifecycle: { preStop: { httpGet: { port } } } } : {}),
    ...(pick() ? { securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true } } : {}),
    ...(pick() ? { volumeMounts: [{ name: "scratch", mountPath: `/scratch-${name}` }] } : {}),
  };
}

function volumes(r: Rand, options: RandomCrOptions): { volumes: Obj[]; mounts: Obj[] } {
  const all: Array<[Obj, Obj]> = [
    [
      { name: "scratch", emptyDir: {} },
      { name: "scratch", mountPath: "/scratch" },
    ],
    [
      { name: "cache", emptyDir: { sizeLimit: r.pick(["1Gi", "1024Mi"]) } },
      { name: "cache", mountPath: "/cache" },
    ],
    [
      { name: "extra-config", configMap: { name: SUPPORT.configMap } },
      { name: "extra-config", mountPath: "/opt/extra", readOnly: true },
    ],
    [
      {
        name: "extra-items",
        configMap: { name: SUPPORT.configMap, items: [{ key: "level", path: "level" }] },
      },
      { name: "extra-items", mountPath: "/opt/items" },
    ],
    [
      { name: "extra-secret", secret: { secretName: SUPPORT.secret } },
      { name: "extra-secret", mountPath: "/opt/secret", readOnly: true },
    ],
    [
      {
        name: "podinfo",
        downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] },
      },
      { name: "podinfo", mountPath: "/etc/podinfo" },
    ],
    [
      {
        name: "projected",
        projected: {
          sources: [
            { serviceAccountToken: { path: "token", audience: "emqx" } },
            { configMap: { name: SUPPORT.configMap } },
            { downwardAPI: { items: [{ path: "name", fieldRef: { fieldPath: "metadata.name" } }] } },
          ],
        },
      },
      { name: "projected", mountPath: "/var/run/projected" },
    ],
    [
      { name: "host-tmp", hostPath: { path: "/tmp" } },
      { name: "host-tmp", mountPath: "/host-tmp" },
    ],
  ];
  if (options.dryRunOnly) {
    all.push([
      {
        name: "ephemeral",
        ephemeral: {
          volumeClaimTemplate: {
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
          },
        },
      },
      { name: "ephemeral", mountPath: "/ephemeral" },
    ]);
  }
  const chosen = options.everything ? all : all.filter(([v]) => v.name === "scratch" || r.chance(0.4));
  return { volumes: chosen.map(([v]) => v), mounts: chosen.map(([, m]) => m) };
}

function scheduling(r: Rand, everything: boolean): Obj {
  const pick = (p = 0.4) => everything || r.chance(p);
  return {
    ...(pick() ? { nodeSelector: { "kubernetes.io/os": "linux" } } : {}),
    ...(pick()
      ? {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: "type", operator: "In", values: ["kwok"] }] },
                ],
              },
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 10,
                  preference: {
                    matchExpressions: [
                      { key: "topology.kubernetes.io/zone", operator: "In", values: ["sandbox-a"] },
                    ],
                  },
                },
              ],
            },
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 50,
                  podAffinityTerm: {
                    topologyKey: "kubernetes.io/hostname",
                    labelSelector: { matchLabels: { "apps.emqx.io/managed-by": "emqx-operator" } },
                  },
                },
              ],
            },
          },
        }
      : {}),
    ...(pick()
      ? {
          tolerations: [
            { key: "dedicated", operator: "Equal", value: "emqx", effect: "NoSchedule" },
            {
              key: "node.kubernetes.io/not-ready",
              operator: "Exists",
              effect: "NoExecute",
              tolerationSeconds: 60,
            },
          ],
        }
      : {}),
    ...(pick()
      ? {
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: "topology.kubernetes.io/zone",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: { "apps.emqx.io/managed-by": "emqx-operator" } },
            },
          ],
        }
      : {}),
    ...(pick()
      ? {
          podSecurityContext: {
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
          },
        }
      : {}),
    ...(pick()
      ? {
          containerSecurityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: r.chance(),
            capabilities: { drop: ["ALL"] },
          },
        }
      : {}),
  };
}

function roleSpec(r: Rand, role: "core" | "replicant", replicas: number, options: RandomCrOptions): Obj {
  const everything = options.everything ?? false;
  const pick = (p = 0.5) => everything || r.chance(p);
  const { volumes: extraVolumes, mounts } = volumes(r, options);
  const sidecars = [sidecar(r, "agent", 9100, everything)];
  if (pick(0.3)) sidecars.push(sidecar(r, "exporter", 9200, everything));
  return {
    replicas,
    ...scheduling(r, everything),
    ...(pick() ? { env: env(r) } : {}),
    ...(pick() ? { envFrom: [{ configMapRef: { name: SUPPORT.configMap, optional: true } }] } : {}),
    ...(pick() ? { ports: [{ name: "metrics", containerPort: 9300 }] } : {}),
    ...(pick() ? { resources: resources(r) } : {}),
    ...(pick() ? { readinessProbe: { httpGet: { port: 18083, path: "/status" }, periodSeconds: 5 } } : {}),
    ...(pick() ? { livenessProbe: { httpGet: { port: 18083, path: "/status" } } } : {}),
    ...(pick(0.3) ? { startupProbe: { tcpSocket: { port: 1883 }, failureThreshold: 30 } } : {}),
    ...(pick(0.3) ? { lifecycle: { preStop: { exec: { command: ["sh", "-c", "sleep 5"] } } } } : {}),
    ...(pick()
      ? {
          initContainers: [
            { name: "init-perms", image: "busybox:1.36", command: ["sh", "-c", "true"] },
            ...(pick(0.4)
              ? [{ ...sidecar(r, "log-shipper", 9400, everything), restartPolicy: "Always" }]
              : []),
          ],
        }
      : {}),
    ...(pick() ? { extraContainers: sidecars } : {}),
    extraVolumes,
    extraVolumeMounts: mounts,
    ...(role === "core" && pick(0.3)
      ? {
          volumeClaimTemplates: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: r.pick(["1Gi", "1024Mi"]) } },
          },
        }
      : {}),
  };
}

/**
 * One EMQX CR named `name` from the generator's next values. Cores 1–2 and replicants 0–2 keep a run of many CRs
 * light on the sandbox.
 *
 * @example randomCr(new Rand(7), "fuzz-000", "e2e-fuzz")
 */
export function randomCr(r: Rand, name: string, namespace: string, options: RandomCrOptions = {}): Obj {
  const everything = options.everything ?? false;
  const pick = (p = 0.5) => everything || r.chance(p);
  const cores = everything ? 2 : r.int(1, 2);
  const replicants = everything ? 2 : r.int(0, 2);
  const templateMeta = () =>
    pick()
      ? {
          labels: { team: "mqtt", tier: r.pick(["a", "b"]) },
          annotations: { "example.com/owner": "platform" },
        }
      : undefined;
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name, namespace },
    spec: {
      image: r.pick(["emqx/emqx:6.0.1", "emqx/emqx-enterprise:5.8.6", "emqx:5.8.6"]),
      ...(pick() ? { imagePullPolicy: r.pick(["IfNotPresent", "Always"]) } : {}),
      ...(pick() ? { imagePullSecrets: [{ name: "registry-credentials" }] } : {}),
      ...(pick() ? { serviceAccountName: SUPPORT.serviceAccount } : {}),
      ...(pick(0.4) ? { clusterDomain: "cluster.example.internal" } : {}),
      ...(pick(0.3) ? { revisionHistoryLimit: r.int(1, 5) } : {}),
      coreTemplate: { metadata: templateMeta(), spec: roleSpec(r, "core", cores, options) },
      ...(replicants > 0 || pick(0.3)
        ? {
            replicantTemplate: {
              metadata: templateMeta(),
              spec: roleSpec(r, "replicant", replicants, options),
            },
          }
        : {}),
    },
  };
}
