/**
 * `plan --live`: what one reconcile pass of a CR would change on the live cluster now, without changing anything.
 *
 * Read-only by construction: {@link LivePlanKube} has read methods and a server-side dry-run apply only, and the
 * EMQX client is {@link EmqxReadApi} (no config push, no evacuation), so no write is reachable from here. The pass
 * is the reconcile's own: the same reads, core's `plan`, and for each object it would apply, the apiserver's
 * dry-run answer compared field by field with the live object.
 */
import type { KubeGateway, KubeObject } from "@emqx-reconciler/adapters";
import { diffObjects, type FieldChange, type Plan, plan } from "@emqx-reconciler/core";
import type { Clock, EmqxApiOpener, EmqxReadApi, Logger } from "../ports.ts";
import { isApplyNoop } from "./applyNoop.ts";
import { readEmqxView } from "./readEmqxView.ts";
import { asEmqxObject, type ObservedReader, readObserved } from "./readObserved.ts";

/** The Kubernetes side of a live plan: reads, and an apply the apiserver only pretends to store. */
export type LivePlanKube = ObservedReader &
  Pick<KubeGateway, "getEmqx" | "get" | "readBootstrapCredential"> & {
    /** Server-side apply with `dryRun=All`: defaulted, admitted and validated, never stored. */
    dryRunApply(obj: KubeObject): Promise<KubeObject>;
  };

/** A read-only view of the gateway: only the reads a live plan makes, and the dry-run apply. */
export function readOnlyKube(gateway: KubeGateway): LivePlanKube {
  return {
    getEmqx: (namespace, name) => gateway.getEmqx(namespace, name),
    get: (kind, namespace, name) => gateway.get(kind, namespace, name),
    list: (kind, options) => gateway.list(kind, options),
    listChildren: (namespace, name) => gateway.listChildren(namespace, name),
    listEvents: (namespace, name, reason) => gateway.listEvents(namespace, name, reason),
    getSecret: (namespace, name) => gateway.getSecret(namespace, name),
    readBootstrapCredential: (namespace, name) => gateway.readBootstrapCredential(namespace, name),
    dryRunApply: (obj) => gateway.apply(obj, { dryRun: true }),
  };
}

/** A read-only view of an EMQX API factory: the clients it opens can list and read, nothing else. */
export function readOnlyEmqxApi(factory: EmqxApiOpener<EmqxReadApi>): EmqxApiOpener<EmqxReadApi> {
  return {
    async open(target) {
      const api = await factory.open(target);
      if (!api) return undefined;
      return {
        listNodes: () => api.listNodes(),
        getConfigs: () => api.getConfigs(),
        globalStatus: () => api.globalStatus(),
        availabilityCheck: (...args) => api.availabilityCheck(...args),
      };
    },
  };
}

function withoutStatus(cr: KubeObject): KubeObject {
  const { status: _status, ...rest } = cr;
  const { resourceVersion: _rv, managedFields: _mf, uid: _uid, ...metadata } = cr.metadata ?? {};
  return { ...rest, metadata };
}

/** What a live plan needs. */
export interface LivePlanDeps {
  kube: LivePlanKube;
  emqxApi: EmqxApiOpener<EmqxReadApi>;
  clock: Clock;
  logger: Logger;
}

/** One object a pass would write, and how. */
export interface ObjectChange {
  action: "create" | "update" | "delete" | "scale";
  kind: string;
  name: string;
  /** Fields that would change (empty for a create or a delete). Secret values are never included. */
  fields: FieldChange[];
}

/** Everything one pass would do now. */
export interface LivePlanReport {
  namespace: string;
  name: string;
  /** Kubernetes objects the pass would create, change, scale or delete. */
  objects: ObjectChange[];
  /** Requests the pass would send to the EMQX API (`PUT /api/v5/configs?mode=merge`). */
  emqx: string[];
  /** Fields of `.status` the pass would write. */
  status: FieldChange[];
  /** True when nothing at all would be written. */
  converged: boolean;
}

/** Stands in for the random values `plan` takes: they only matter for Secrets, whose values are never shown. */
const NOT_SHOWN = { password: "not-shown", cookie: "not-shown" };

function withoutValues(kind: string, fields: FieldChange[]): FieldChange[] {
  return kind === "Secret" ? fields.map((f) => ({ path: f.path })) : fields;
}

async function applyChange(kube: LivePlanKube, obj: KubeObject, crExists: boolean): Promise<ObjectChange[]> {
  const kind = obj.kind ?? "";
  const name = obj.metadata?.name ?? "";
  const live = await kube.get(kind as never, obj.metadata?.namespace, name);
  if (live && isApplyNoop(obj, live)) return [];
  // A CR not stored yet has no UID for its children's owner references: the apiserver would refuse them.
  if (!live) return [{ action: "create", kind, name, fields: [] }];
  if (!crExists) return [];
  const stored = await kube.dryRunApply(obj);
  const fields = withoutValues(kind, diffObjects(live, stored));
  return fields.length > 0 ? [{ action: "update", kind, name, fields }] : [];
}

function otherChanges(p: Plan): ObjectChange[] {
  const changes: ObjectChange[] = [];
  for (const s of p.create)
    changes.push({ action: "create", kind: s.kind ?? "", name: s.metadata?.name ?? "", fields: [] });
  for (const d of p.delete) changes.push({ action: "delete", kind: d.kind, name: d.name, fields: [] });
  for (const s of p.scale) {
    changes.push({
      action: "scale",
      kind: s.kind,
      name: s.name,
      fields: [{ path: "spec.replicas", before: s.replicas + 1, after: s.replicas }],
    });
  }
  for (const a of p.podAnnotations) {
    const fields = Object.entries(a.annotations).map(([k, v]) => ({
      path: `metadata.annotations[${k}]`,
      after: v,
    }));
    changes.push({ action: "update", kind: "Pod", name: a.pod, fields });
  }
  for (const c of p.podConditions) {
    const fields = [{ path: "status.conditions[apps.emqx.io/on-serving].status", after: c.status }];
    changes.push({ action: "update", kind: "Pod", name: c.pod, fields });
  }
  return changes;
}

/** Which CR to plan: the stored one, or one read from a file (`file`, whose metadata names it). */
export interface LivePlanTarget {
  namespace: string;
  name: string;
  file?: KubeObject;
}

/**
 * Plans one pass of a CR against the live cluster and reports what it would write. With `file`, that CR is
 * planned as the apiserver would store it (a server-side dry run of it: CRD defaults applied) over the stored
 * CR's status and children, and its spec changes are listed as an update of the EMQX object itself; a CR not
 * stored yet lists itself and every child as created. Without `file`, the stored CR must exist.
 *
 * @example const report = await planLive({ kube: readOnlyKube(gateway), emqxApi, clock, logger }, { namespace, name });
 */
export async function planLive(deps: LivePlanDeps, target: LivePlanTarget): Promise<LivePlanReport> {
  const { namespace, name, file } = target;
  const stored = await deps.kube.getEmqx(namespace, name);
  if (!stored && !file) throw new Error(`EMQX ${namespace}/${name} not found`);
  const fromFile = stored && file ? await deps.kube.dryRunApply(withoutStatus(file)) : undefined;
  const subject = (fromFile ? { ...fromFile, status: stored?.status } : (file ?? stored)) as KubeObject;
  const observed = await readObserved(deps.kube, subject);
  const session = await readEmqxView(deps.emqxApi, subject, observed, deps.logger);
  const p = plan({
    emqx: asEmqxObject(subject),
    observed,
    api: session.emqxView,
    now: deps.clock.now(),
    random: NOT_SHOWN,
  });
  const objects: ObjectChange[] = [];
  if (!stored) objects.push({ action: "create", kind: "EMQX", name, fields: [] });
  else {
    const spec = diffObjects({ spec: stored.spec }, { spec: subject.spec });
    if (spec.length > 0) objects.push({ action: "update", kind: "EMQX", name, fields: spec });
  }
  if (p.crAnnotations) {
    const fields = Object.entries(p.crAnnotations).map(([k, v]) => ({
      path: `metadata.annotations[${k}]`,
      after: v,
    }));
    objects.push({ action: "update", kind: "EMQX", name, fields });
  }
  for (const obj of p.apply as KubeObject[])
    objects.push(...(await applyChange(deps.kube, obj, stored !== undefined)));
  objects.push(...otherChanges(p));
  const emqx = [
    ...(p.configPush
      ? [`PUT /api/v5/configs?mode=${p.configPush.mode} (${p.configPush.body.length} bytes)`]
      : []),
    ...(p.evacuation ? [`POST /api/v5/load_rebalance/${p.evacuation.node}/evacuation/start`] : []),
  ];
  const status = p.statusChanged
    ? diffObjects(stored?.status ?? {}, p.status).map((f) => ({ ...f, path: `status.${f.path}` }))
    : [];
  return {
    namespace,
    name,
    objects,
    emqx,
    status,
    converged: objects.length === 0 && emqx.length === 0 && status.length === 0,
  };
}
