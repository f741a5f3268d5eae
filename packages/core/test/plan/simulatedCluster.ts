/**
 * A small simulated cluster for plan scenarios: the CR, its children, the set controllers, the kubelet and an EMQX
 * cluster, each reduced to what `plan` reads. `applyPlan` does what the workflow would do with a plan; `settle`
 * lets the set controllers and kubelet catch up; `view` is what the EMQX API would answer.
 */
import {
  ANNOTATION_CREDENTIALS_GENERATION,
  CONDITION_ON_SERVING,
  LABEL_DB_ROLE,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  MANAGED_BY,
} from "@emqx-reconciler/api";
import type { KubernetesObject, V1Pod, V1ReplicaSet, V1StatefulSet } from "@kubernetes/client-node";
import { plan } from "../../src/plan/plan.ts";
import type { ApiNode, EmqxObject, EmqxView, Observed, Plan, PlanInput } from "../../src/plan/types.ts";

type Obj = KubernetesObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };
type Workload = V1StatefulSet | V1ReplicaSet;

export const T0 = Date.parse("2026-01-01T00:00:00Z");

/** A CR as the apiserver would return it; `spec` is merged over a 2-core / 3-replicant default. */
export function makeCr(spec: Record<string, unknown> = {}, name = "emqx"): EmqxObject {
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name, namespace: "ns", uid: "cr-uid", generation: 1, annotations: {} },
    spec: {
      image: "emqx/emqx:5.8.6",
      coreTemplate: { spec: { replicas: 2 } },
      replicantTemplate: { spec: { replicas: 3 } },
      ...spec,
    },
  };
}

export interface SimulatedClusterOptions {
  /** EMQX edition the fake nodes report. */
  edition?: string;
  /** Sessions per node (only matters for Enterprise evacuation). */
  connections?: number;
}

export class SimulatedCluster {
  cr: EmqxObject;
  now = T0;
  sets = new Map<string, Workload & { kind: string }>();
  pods: V1Pod[] = [];
  others = new Map<string, Obj>();
  secrets = new Map<string, Obj>();
  deleteEvents: Observed["deleteEvents"] = [];
  plans: Plan[] = [];
  api: EmqxView | undefined;
  private uids = 0;
  private ips = 0;
  private readonly options: SimulatedClusterOptions;

  constructor(cr: EmqxObject = makeCr(), options: SimulatedClusterOptions = {}) {
    this.cr = cr;
    this.options = options;
  }

  private uid(kind: string): string {
    this.uids += 1;
    return `${kind.toLowerCase()}-${this.uids}`;
  }

  observed(): Observed {
    const sets = [...this.sets.values()];
    return {
      statefulSets: structuredClone(sets.filter((s) => s.kind === "StatefulSet")) as V1StatefulSet[],
      replicaSets: structuredClone(sets.filter((s) => s.kind === "ReplicaSet")) as V1ReplicaSet[],
      pods: structuredClone(this.pods),
      services: [...this.others.values()].filter((o) => o.kind === "Service"),
      configMap: this.others.get("ConfigMap/emqx-configs"),
      secrets: [...this.secrets.values()].map((s) => {
        const generation = s.metadata?.annotations?.[ANNOTATION_CREDENTIALS_GENERATION];
        return { name: s.metadata?.name ?? "", ...(generation ? { credentialsGeneration: generation } : {}) };
      }),
      pdbs: [],
      persistentVolumeClaims: [],
      deleteEvents: [...this.deleteEvents],
      referencedSecretValues: {},
    };
  }

  /** What `GET /api/v5/nodes` answers: a node per pod whose containers are ready. */
  view(): EmqxView {
    if (this.api) return this.api;
    const name = this.cr.metadata.name;
    const ready = this.pods.filter((p) => isContainersReady(p));
    if (!ready.some((p) => p.metadata?.labels?.[LABEL_DB_ROLE] === "core"))
      return { state: "unreachable-no-ready-core" };
    const nodes: ApiNode[] = ready.map((p) => {
      const core = p.metadata?.labels?.[LABEL_DB_ROLE] === "core";
      return {
        node: core
          ? `emqx@${p.metadata?.name}.${name}-headless.ns.svc.cluster.local`
          : `emqx@${p.status?.podIP}`,
        node_status: "running",
        role: core ? "core" : "replicant",
        version: "5.8.6",
        edition: this.options.edition ?? "Opensource",
        otp_release: "26.2.5-3/14.2.5",
        connections: this.options.connections ?? 0,
        live_connections: this.options.connections ?? 0,
      };
    });
    return { state: "ok", nodes, liveConfig: undefined };
  }

  private lastSpec: string | undefined;

  /** Bumps `metadata.generation` when the spec changed since the last read, as the apiserver does on write. */
  private bumpGeneration(): void {
    const spec = JSON.stringify(this.cr.spec);
    if (this.lastSpec !== undefined && spec !== this.lastSpec)
      this.cr.metadata.generation = (this.cr.metadata.generation ?? 0) + 1;
    this.lastSpec = spec;
  }

  input(overrides: Partial<PlanInput> = {}): PlanInput {
    this.bumpGeneration();
    return {
      emqx: structuredClone(this.cr),
      observed: this.observed(),
      api: this.view(),
      now: new Date(this.now),
      random: { password: "p".repeat(64), cookie: "c".repeat(64) },
      ...overrides,
    };
  }

  /** Plans one pass (and remembers the plan). */
  plan(overrides: Partial<PlanInput> = {}): Plan {
    const p = plan(this.input(overrides));
    this.plans.push(p);
    return p;
  }

  /** Does what the workflow does with a plan. */
  applyPlan(p: Plan): void {
    for (const o of p.create)
      if (!this.secrets.has(key(o))) this.secrets.set(key(o), structuredClone(o) as Obj);
    for (const o of p.apply) this.applyObject(structuredClone(o) as Obj);
    for (const d of p.delete) if (d.kind !== "PersistentVolumeClaim") this.sets.delete(`${d.kind}/${d.name}`);
    for (const a of p.podAnnotations) {
      const pod = this.pods.find((x) => x.metadata?.uid === a.uid);
      if (pod?.metadata) pod.metadata.annotations = { ...pod.metadata.annotations, ...a.annotations };
    }
    for (const s of p.scale) {
      const set = this.sets.get(`${s.kind}/${s.name}`);
      if (!set?.spec || set.metadata?.resourceVersion !== s.resourceVersion) continue;
      set.spec.replicas = s.replicas;
      bump(set);
    }
    for (const c of p.podConditions) {
      const pod = this.pods.find((x) => x.metadata?.uid === c.uid);
      if (!pod?.status) continue;
      const rest = (pod.status.conditions ?? []).filter((x) => x.type !== CONDITION_ON_SERVING);
      pod.status.conditions = [...rest, { type: CONDITION_ON_SERVING, status: c.status }];
    }
    if (p.crAnnotations)
      this.cr.metadata.annotations = { ...this.cr.metadata.annotations, ...p.crAnnotations };
    if (p.statusChanged) this.cr.status = JSON.parse(JSON.stringify(p.status));
  }

  private applyObject(o: Obj): void {
    if (o.kind !== "StatefulSet" && o.kind !== "ReplicaSet") {
      this.others.set(key(o), o);
      return;
    }
    const existing = this.sets.get(key(o));
    if (!existing) {
      const created = o as Workload & { kind: string };
      created.metadata = {
        ...created.metadata,
        uid: this.uid(o.kind),
        generation: 1,
        resourceVersion: "1",
        creationTimestamp: new Date(this.now),
      };
      created.status = { replicas: 0, readyReplicas: 0, observedGeneration: 0 };
      this.sets.set(key(o), created);
      return;
    }
    if (JSON.stringify(existing.spec) !== JSON.stringify(o.spec)) {
      existing.spec = o.spec as never;
      bump(existing);
    }
  }

  /** The set controllers and the kubelet catch up: pods created or removed, containers ready, counts updated. */
  settle(): void {
    for (const set of this.sets.values()) {
      const want = set.spec?.replicas ?? 0;
      const mine = () => this.pods.filter((p) => p.metadata?.ownerReferences?.[0]?.uid === set.metadata?.uid);
      if (set.kind === "StatefulSet") {
        for (let i = 0; i < want; i++) this.ensurePod(set, `${set.metadata?.name}-${i}`);
        for (const pod of mine()) {
          const ordinal = Number(pod.metadata?.name?.split("-").pop());
          if (ordinal >= want) this.removePod(set, pod);
        }
      } else {
        let n = mine().length;
        while (n < want) this.ensurePod(set, `${set.metadata?.name}-${(n++).toString(36)}${this.uids}`);
        const byCost = mine().sort((a, b) => cost(a) - cost(b));
        for (const pod of byCost.slice(0, Math.max(0, byCost.length - want))) this.removePod(set, pod);
      }
      const pods = mine();
      set.status = {
        replicas: pods.length,
        readyReplicas: pods.filter(isPodReady).length,
        observedGeneration: set.metadata?.generation ?? 0,
      } as never;
    }
    for (const pod of this.pods) {
      if (!pod.status) continue;
      const rest = (pod.status.conditions ?? []).filter((x) => x.type !== "Ready");
      pod.status.conditions = [...rest, { type: "Ready", status: isPodReady(pod) ? "True" : "False" }];
    }
  }

  private ensurePod(set: Workload & { kind: string }, name: string): void {
    if (this.pods.some((p) => p.metadata?.name === name)) return;
    this.ips += 1;
    const labels = set.spec?.template?.metadata?.labels ?? {};
    this.pods.push({
      metadata: {
        name,
        namespace: "ns",
        uid: this.uid("Pod"),
        labels: { ...labels },
        creationTimestamp: new Date(this.now),
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: set.kind,
            name: set.metadata?.name ?? "",
            uid: set.metadata?.uid ?? "",
            controller: true,
          },
        ],
      },
      status: {
        podIP: `10.0.0.${this.ips}`,
        conditions: [{ type: "ContainersReady", status: "True", lastTransitionTime: new Date(this.now) }],
      },
    });
  }

  private removePod(set: Workload, pod: V1Pod): void {
    this.pods = this.pods.filter((p) => p !== pod);
    this.deleteEvents.push({ setName: set.metadata?.name ?? "", at: new Date(this.now) });
  }

  /** One pass: plan, apply, let Kubernetes catch up, and let time pass (the requeue, or 1 s). */
  step(overrides: Partial<PlanInput> = {}): Plan {
    const p = this.plan(overrides);
    this.applyPlan(p);
    this.settle();
    this.now += (p.requeueAfterSeconds ?? 1) * 1000;
    return p;
  }

  /** The state `kubectl get emqx` shows. */
  state(): string | undefined {
    const conditions = (
      this.cr.status as { conditions?: Array<{ type: string; status: string }> } | undefined
    )?.conditions;
    return conditions?.find((c) => c.status === "True")?.type;
  }

  setsOf(kind: "StatefulSet" | "ReplicaSet"): Workload[] {
    return [...this.sets.values()].filter((s) => s.kind === kind);
  }
}

function key(o: KubernetesObject): string {
  return `${o.kind}/${o.metadata?.name}`;
}

function bump(set: Workload): void {
  if (!set.metadata) return;
  set.metadata.generation = (set.metadata.generation ?? 0) + 1;
  set.metadata.resourceVersion = String(Number(set.metadata.resourceVersion ?? "0") + 1);
}

function cost(pod: V1Pod): number {
  return Number(pod.metadata?.annotations?.["controller.kubernetes.io/pod-deletion-cost"] ?? "0");
}

export function isContainersReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "ContainersReady" && c.status === "True") ?? false;
}

export function isPodReady(pod: V1Pod): boolean {
  return (
    isContainersReady(pod) &&
    pod.status?.conditions?.some((c) => c.type === CONDITION_ON_SERVING && c.status === "True") === true
  );
}

export const INSTANCE_LABELS = { [LABEL_INSTANCE]: "emqx", [LABEL_MANAGED_BY]: MANAGED_BY };
