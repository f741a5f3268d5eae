/**
 * What the sandbox's controllers and the emulator do, reduced to a few lines for the in-memory tests: sets get
 * pods (ContainersReady at once, Ready only behind the `on-serving` gate), set statuses follow their pods, and a
 * fake EMQX API reports every pod as a running node.
 */
import { EmqxApiError } from "@emqx-reconciler/adapters";
import { CONDITION_ON_SERVING, LABEL_DB_ROLE } from "@emqx-reconciler/api";
import type { EmqxApi, EmqxApiFactory } from "../../src/ports.ts";
import type { FakeKube } from "./fakeKube.ts";

interface Pod {
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    ownerReferences: unknown[];
    uid?: string;
  };
  status: { podIP: string; conditions: Array<{ type: string; status: string }> };
}

let ipCounter = 0;

/** The seed example as a stored CR (the fake does not default or validate; `plan` does). */
export function seedCr(namespace: string, name = "emqx") {
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name, namespace, generation: 1 },
    spec: {
      image: "emqx/emqx:6.0.1",
      config: { data: 'license {\n  key = "evaluation"\n}\n' },
      coreTemplate: { spec: { replicas: 2 } },
      replicantTemplate: { spec: { replicas: 3 } },
    },
  };
}

/** One step of the StatefulSet/ReplicaSet controllers and the kubelet: pods to `spec.replicas`, statuses updated. */
export function runControllers(kube: FakeKube): void {
  for (const set of [...kube.objects.values()].filter(
    (o) => o.kind === "StatefulSet" || o.kind === "ReplicaSet",
  )) {
    const { namespace = "", name = "", uid } = set.metadata;
    const spec = set.spec as {
      replicas?: number;
      template: { metadata: { labels: Record<string, string> } };
    };
    const pods = () =>
      [...kube.objects.values()].filter(
        (o) =>
          o.kind === "Pod" &&
          (o.metadata.ownerReferences as Array<{ uid?: string }> | undefined)?.[0]?.uid === uid,
      ) as unknown as Pod[];
    for (let i = pods().length; i < (spec.replicas ?? 0); i++) {
      kube.seed({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: `${name}-${i}`,
          namespace,
          labels: { ...spec.template.metadata.labels },
          ownerReferences: [
            { apiVersion: "apps/v1", kind: set.kind ?? "", name, uid: uid ?? "", controller: true },
          ],
        },
        status: { podIP: `10.0.0.${++ipCounter}`, conditions: [{ type: "ContainersReady", status: "True" }] },
      });
    }
    const all = pods();
    for (const pod of all) {
      const gate = pod.status.conditions.find((c) => c.type === CONDITION_ON_SERVING)?.status === "True";
      pod.status.conditions = [
        ...pod.status.conditions.filter((c) => c.type !== "Ready"),
        { type: "Ready", status: gate ? "True" : "False" },
      ];
    }
    const ready = all.filter((p) =>
      p.status.conditions.some((c) => c.type === "Ready" && c.status === "True"),
    ).length;
    set.status = {
      replicas: all.length,
      readyReplicas: ready,
      observedGeneration: set.metadata.generation ?? 0,
    };
  }
}

/** A fake EMQX API per CR: every pod of the CR a running node (open-source: no extra reads). */
export class FakeEmqx implements EmqxApiFactory {
  readonly calls: string[] = [];
  /** CRs (`ns/name`) whose API answers 503. */
  readonly down = new Set<string>();
  /** Pods whose node has left the EMQX cluster (not listed). */
  readonly gone = new Set<string>();
  private readonly kube: FakeKube;
  constructor(kube: FakeKube) {
    this.kube = kube;
  }

  async open(target: { namespace: string; name: string }): Promise<EmqxApi> {
    const key = `${target.namespace}/${target.name}`;
    const api = {
      listNodes: async () => {
        this.calls.push(`nodes ${key}`);
        if (this.down.has(key))
          throw new EmqxApiError("unavailable", "GET /api/v5/nodes: 503", { status: 503 });
        const pods = [...this.kube.objects.values()].filter(
          (o) =>
            o.kind === "Pod" &&
            o.metadata.namespace === target.namespace &&
            o.metadata.labels?.["apps.emqx.io/instance"] === target.name,
        ) as unknown as Pod[];
        return pods
          .filter((p) => !this.gone.has(p.metadata.name))
          .map((p) => {
            const core = p.metadata.labels[LABEL_DB_ROLE] === "core";
            return {
              node: core
                ? `emqx@${p.metadata.name}.${target.name}-headless.${target.namespace}.svc.cluster.local`
                : `emqx@${p.status.podIP}`,
              node_status: "running",
              role: core ? "core" : "replicant",
              version: "6.0.1",
              edition: "Opensource",
              otp_release: "26.2.5-1",
            };
          });
      },
      getConfigs: async () => {
        this.calls.push(`configs ${key}`);
        return "";
      },
    };
    return api as unknown as EmqxApi;
  }
}
