/**
 * An in-memory Kubernetes at the `KubePort` boundary, for fast tests of the workflows' orchestration: objects
 * keyed by kind/namespace/name with resourceVersions, apply as a merge that records our field manager's fields,
 * a log of every write in order, and failures injected per operation. The sandbox tests cover the real thing.
 */
import { KubeError, type KubeObject, OWNED_KINDS } from "@emqx-reconciler/adapters";
import { FIELD_MANAGER, LABEL_INSTANCE } from "@emqx-reconciler/api";
import type { KubePort } from "../../src/ports.ts";

type Obj = KubeObject & { metadata: NonNullable<KubeObject["metadata"]> };

/** `fieldsV1` of an applied object, the way the apiserver records it (list members by index). */
export function fieldsOf(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out[`i:${i}`] = fieldsOf(v);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value))
      if (k !== "apiVersion" && k !== "kind") out[`f:${k}`] = fieldsOf(v);
  }
  return out;
}

function merge(into: unknown, from: unknown): unknown {
  if (Array.isArray(from) || !from || typeof from !== "object") return structuredClone(from);
  const base = into && typeof into === "object" && !Array.isArray(into) ? { ...(into as object) } : {};
  for (const [k, v] of Object.entries(from))
    (base as Record<string, unknown>)[k] = merge((base as Record<string, unknown>)[k], v);
  return base;
}

export class FakeKube {
  readonly objects = new Map<string, Obj>();
  /** Every write, in order: `"<op> <Kind>/<name>"`. */
  readonly writes: string[] = [];
  /** Reads, counted per operation. */
  readonly reads = new Map<string, number>();
  /** Failures to throw once, by `"<op> <Kind>"` (e.g. `"apply StatefulSet"`, `"status EMQX"`). */
  readonly failures = new Map<string, KubeError>();
  private rv = 100;
  private uid = 0;

  private key(kind: string, ns: string | undefined, name: string) {
    return `${kind}/${ns ?? ""}/${name}`;
  }
  private read(op: string) {
    this.reads.set(op, (this.reads.get(op) ?? 0) + 1);
  }
  private fail(op: string) {
    const error = this.failures.get(op);
    if (error) {
      this.failures.delete(op);
      throw error;
    }
  }
  private stamp(obj: Obj): Obj {
    obj.metadata.resourceVersion = String(++this.rv);
    obj.metadata.uid ??= `uid-${++this.uid}`;
    return obj;
  }

  /** Puts an object as if someone else created it. */
  seed(obj: KubeObject): Obj {
    const copy = structuredClone(obj) as Obj;
    this.objects.set(
      this.key(copy.kind ?? "", copy.metadata.namespace, copy.metadata.name ?? ""),
      this.stamp(copy),
    );
    return copy;
  }
  get(kind: string, ns: string, name: string): Obj | undefined {
    return this.objects.get(this.key(kind, ns, name));
  }
  private of(kind: string, ns?: string): Obj[] {
    return [...this.objects.values()].filter((o) => o.kind === kind && (!ns || o.metadata.namespace === ns));
  }

  port(): KubePort {
    const self = this;
    const port = {
      async getEmqx(ns: string, name: string) {
        self.read("get EMQX");
        self.fail("get EMQX");
        return structuredClone(self.get("EMQX", ns, name));
      },
      async listEmqx() {
        self.read("list EMQX");
        return { items: structuredClone(self.of("EMQX")), resourceVersion: String(self.rv) };
      },
      async list(kind: string, options: { namespace?: string; labelSelector?: string } = {}) {
        self.read(`list ${kind}`);
        self.fail(`list ${kind}`);
        if (options.namespace) self.fail(`list ${kind} ${options.namespace}`);
        return { items: structuredClone(self.of(kind, options.namespace)), resourceVersion: String(self.rv) };
      },
      async listChildren(ns: string, instance: string) {
        const out: Record<string, Obj[]> = {};
        for (const kind of OWNED_KINDS) {
          self.read(`list ${kind}`);
          out[kind] = structuredClone(
            self.of(kind, ns).filter((o) => o.metadata.labels?.[LABEL_INSTANCE] === instance),
          );
        }
        return out;
      },
      async listEvents(ns: string, involvedName: string, reason?: string) {
        self.read("list Event");
        const events = self.of("Event", ns) as Array<
          Obj & { involvedObject?: { name?: string }; reason?: string }
        >;
        return events.filter(
          (e) => e.involvedObject?.name === involvedName && (!reason || e.reason === reason),
        );
      },
      async getSecret(ns: string, name: string) {
        self.read("get Secret");
        return (self.get("Secret", ns, name) as { stringData?: Record<string, string> } | undefined)
          ?.stringData;
      },
      async readBootstrapCredential() {
        return { username: "emqx-operator-controller", password: "fake" };
      },
      async apply(obj: KubeObject) {
        self.fail(`apply ${obj.kind}`);
        const key = self.key(obj.kind ?? "", obj.metadata?.namespace, obj.metadata?.name ?? "");
        const live = self.objects.get(key);
        const next = merge(live ?? {}, obj) as Obj;
        next.metadata.managedFields = [
          { manager: FIELD_MANAGER, operation: "Apply", fieldsV1: fieldsOf(obj) },
        ];
        const { resourceVersion: _r, ...liveMeta } = live?.metadata ?? {};
        const { resourceVersion: _n, ...nextMeta } = next.metadata;
        const changed =
          !live ||
          JSON.stringify({ ...live, metadata: liveMeta }) !== JSON.stringify({ ...next, metadata: nextMeta });
        self.writes.push(`apply ${obj.kind}/${obj.metadata?.name}`);
        if (changed) self.objects.set(key, self.stamp(next));
        return structuredClone(self.objects.get(key));
      },
      async createIfAbsent(obj: KubeObject) {
        self.fail(`create ${obj.kind}`);
        if (self.get(obj.kind ?? "", obj.metadata?.namespace ?? "", obj.metadata?.name ?? ""))
          return { outcome: "existed" };
        self.writes.push(`create ${obj.kind}/${obj.metadata?.name}`);
        return { outcome: "created", object: self.seed(obj) };
      },
      async delete(ref: { kind: string; namespace?: string; name: string }) {
        self.writes.push(`delete ${ref.kind}/${ref.name}`);
        return self.objects.delete(self.key(ref.kind, ref.namespace, ref.name)) ? "deleted" : "absent";
      },
      async replaceStatus(obj: KubeObject) {
        self.fail("status EMQX");
        const live = self.get("EMQX", obj.metadata?.namespace ?? "", obj.metadata?.name ?? "");
        if (!live || live.metadata.resourceVersion !== obj.metadata?.resourceVersion) {
          throw new KubeError("UPDATE emqxes/status: 409 Conflict", {
            kind: "conflict",
            status: 409,
            reason: "Conflict",
          });
        }
        live.status = structuredClone(obj.status);
        self.writes.push(`status EMQX/${obj.metadata?.name}`);
        return structuredClone(self.stamp(live));
      },
      async patchCrAnnotations(ns: string, name: string, annotations: Record<string, string | null>) {
        const live = self.get("EMQX", ns, name) as Obj;
        live.metadata.annotations = {
          ...live.metadata.annotations,
          ...(annotations as Record<string, string>),
        };
        self.writes.push(`annotate EMQX/${name}`);
        return structuredClone(self.stamp(live));
      },
      async setReplicas(kind: string, ns: string, name: string, replicas: number) {
        const live = self.get(kind, ns, name) as Obj & { spec: { replicas: number } };
        live.spec.replicas = replicas;
        self.writes.push(`scale ${kind}/${name}`);
        return structuredClone(self.stamp(live));
      },
      async patchPodAnnotations(ns: string, name: string) {
        self.writes.push(`annotate Pod/${name}`);
        return structuredClone(self.get("Pod", ns, name) as Obj);
      },
      async setPodCondition(pod: KubeObject, condition: { type: string; status: string }) {
        self.fail("gate Pod");
        const live = self.get("Pod", pod.metadata?.namespace ?? "", pod.metadata?.name ?? "") as Obj & {
          status: { conditions: Array<{ type: string; status: string }> };
        };
        const rest = live.status.conditions.filter((c) => c.type !== condition.type);
        live.status.conditions = [...rest, { ...condition }];
        self.writes.push(`gate Pod/${pod.metadata?.name}=${condition.status}`);
        self.stamp(live);
        return true;
      },
      async recordEvent(cr: KubeObject, event: { type: string; reason: string; message: string }) {
        self.fail("event");
        self.writes.push(`event ${event.reason}`);
        self.seed({
          apiVersion: "v1",
          kind: "Event",
          metadata: { name: `${cr.metadata?.name}.${self.writes.length}`, namespace: cr.metadata?.namespace },
          involvedObject: { name: cr.metadata?.name },
          ...event,
        });
      },
    };
    return port as unknown as KubePort;
  }
}
