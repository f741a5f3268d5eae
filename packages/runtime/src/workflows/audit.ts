/**
 * The audit trail of a pass that wrote: one `ReconcileApplied` bus event and one log line, all saying the same
 * thing — which objects changed (kind, name, the paths of the fields that changed: what we send compared with the
 * live object, never a value, Secrets only by name), why (the plan step) and the hint that started the pass — and,
 * when the pass changed what the cluster runs (not only pod readiness gates and the CR's own status), one
 * Kubernetes Event on the CR saying it too.
 */

import { isNamespaceTerminatingError, type KubeObject } from "@emqx-reconciler/adapters";
import {
  AUDIT_MAX_FIELDS,
  type AuditAction,
  type AuditChange,
  CONDITION_ON_SERVING,
  DetailType,
  EventReason,
  EventSource,
  type Hint,
  HintCause,
  isoTime,
  type ReconcileApplied,
  ReconcileAppliedSchema,
} from "@emqx-reconciler/api";
import {
  changedPaths,
  diffObjects,
  type Observed,
  type Plan,
  type PlannedEvent,
} from "@emqx-reconciler/core";
import type { Logger, Publisher } from "../ports.ts";
import { isApplyNoop } from "./applyNoop.ts";

/** Longest Event message (the events.k8s.io limit). */
const MAX_MESSAGE = 1024;

/** Which component sends hints of each cause. */
const HINT_SOURCES: Record<string, string> = {
  [HintCause.Resync]: EventSource.Resync,
  [HintCause.Scale]: EventSource.Scale,
  [HintCause.Requeue]: "emqx-reconciler.queue",
};

function change(action: AuditAction, kind: string, name: string, paths: readonly string[] = []): AuditChange {
  const fields = paths.slice(0, AUDIT_MAX_FIELDS);
  const more = paths.length - fields.length;
  return { action, kind, name, fields, ...(more > 0 ? { moreFields: more } : {}) };
}

/** The live object of the pass's observation that `obj` (a planned child) would write over, if any. */
export function liveChildOf(observed: Observed, obj: KubeObject): KubeObject | undefined {
  const lists: Record<string, readonly unknown[]> = {
    Service: observed.services,
    ConfigMap: observed.configMap ? [observed.configMap] : [],
    StatefulSet: observed.statefulSets,
    ReplicaSet: observed.replicaSets,
    PodDisruptionBudget: observed.pdbs,
  };
  const name = obj.metadata?.name;
  return (lists[obj.kind ?? ""] ?? []).find((o) => (o as KubeObject).metadata?.name === name) as
    | KubeObject
    | undefined;
}

/** The changes of a plan that was carried out, by plan step, in the order they were written. */
export function auditChanges(cr: KubeObject, observed: Observed, p: Plan): AuditChange[] {
  const crName = cr.metadata?.name ?? "";
  const changes: AuditChange[] = [];
  for (const s of p.create) {
    const name = s.metadata?.name ?? "";
    if (!observed.secrets.some((o) => o.name === name)) changes.push(change("create", s.kind ?? "", name));
  }
  for (const obj of p.apply as KubeObject[]) {
    const live = liveChildOf(observed, obj);
    if (isApplyNoop(obj, live)) continue;
    const paths = obj.kind === "Secret" ? [] : changedPaths(obj, live);
    changes.push(change(live ? "apply" : "create", obj.kind ?? "", obj.metadata?.name ?? "", paths));
  }
  for (const d of p.delete) changes.push(change("delete", d.kind, d.name));
  for (const a of p.podAnnotations) {
    changes.push(
      change(
        "annotate",
        "Pod",
        a.pod,
        Object.keys(a.annotations).map((k) => `metadata.annotations[${k}]`),
      ),
    );
  }
  for (const s of p.scale) changes.push(change("scale", s.kind, s.name, ["spec.replicas"]));
  for (const g of p.podConditions) {
    changes.push(change("gate", "Pod", g.pod, [`status.conditions[${CONDITION_ON_SERVING}].status`]));
  }
  if (p.evacuation) changes.push(change("evacuate", "EMQXNode", p.evacuation.node));
  if (p.configPush) changes.push(change("push", "EMQXConfig", crName, [`mode=${p.configPush.mode}`]));
  if (p.crAnnotations) {
    const paths = Object.keys(p.crAnnotations).map((k) => `metadata.annotations[${k}]`);
    changes.push(change("annotate-cr", "EMQX", crName, paths));
  }
  if (p.statusChanged) {
    const paths = diffObjects(cr.status ?? {}, p.status).map((f) => `status.${f.path}`);
    changes.push(change("status", "EMQX", crName, paths));
  }
  return changes;
}

/**
 * Changes that are the reconciler's bookkeeping rather than a change of what the cluster runs: a pod's readiness
 * gate (the pod's own condition records it) and the CR's `.status` (it records itself). A pass that wrote only
 * these gets no Event on the CR, so a cluster starting or a pod restarting does not fill `kubectl describe` with
 * them; the log line and the bus event still say them.
 */
const BOOKKEEPING: ReadonlySet<AuditAction> = new Set(["gate", "status"]);

/** Whether a pass with these changes records its audit as an Event on the CR (see `BOOKKEEPING`). */
export function auditsAsEvent(changes: readonly AuditChange[]): boolean {
  return changes.some((c) => !BOOKKEEPING.has(c.action));
}

/**
 * Normal Events a pass that writes says in its audit Event instead of recording them apart, and what the audit
 * keeps of each: nothing for `Created` (the change `create <kind> <name>` says it) and the message for `Ready`.
 * So a writing pass records at most one Event. Warnings and the operator's reasons are always Events of their own.
 */
const FOLDED_INTO_AUDIT: ReadonlyMap<string, "dropped" | "noted"> = new Map([
  [EventReason.Created, "dropped"],
  [EventReason.Ready, "noted"],
]);

/**
 * Splits a writing pass's planned Events: those its audit Event says instead (see `FOLDED_INTO_AUDIT`), as notes,
 * leaving out the ones whose step did not happen (`skipped`); and the rest, recorded as Events of their own.
 */
export function foldIntoAudit(
  events: readonly PlannedEvent[],
  skipped: ReadonlySet<string>,
): { own: PlannedEvent[]; notes: string[] } {
  const own: PlannedEvent[] = [];
  const notes: string[] = [];
  for (const event of events) {
    const fold = event.type === "Normal" ? FOLDED_INTO_AUDIT.get(event.reason) : undefined;
    if (!fold) own.push(event);
    else if (fold === "noted" && !skipped.has(event.reason)) notes.push(event.message);
  }
  return { own, notes };
}

/** The audit record of a pass. */
export function auditRecord(input: {
  cluster: string;
  cr: KubeObject;
  changes: AuditChange[];
  /** What the pass brought about besides its writes (see {@link foldIntoAudit}). */
  notes?: readonly string[];
  writes: number;
  hint: Hint | undefined;
  now: Date;
}): ReconcileApplied {
  const { cr, hint, notes } = input;
  return ReconcileAppliedSchema.parse({
    cluster: input.cluster,
    namespace: cr.metadata?.namespace,
    name: cr.metadata?.name,
    uid: cr.metadata?.uid,
    ...(cr.metadata?.generation !== undefined ? { generation: cr.metadata.generation } : {}),
    writes: input.writes,
    changes: input.changes,
    ...(notes && notes.length > 0 ? { notes: [...notes] } : {}),
    ...(hint
      ? {
          hint: {
            cause: hint.cause,
            source: HINT_SOURCES[hint.cause] ?? EventSource.Forwarder,
            ...(hint.resourceVersion ? { resourceVersion: hint.resourceVersion } : {}),
          },
        }
      : {}),
    time: isoTime(input.now),
  });
}

/**
 * The Event message: `Cluster is ready: apply StatefulSet emqx-core-x (spec.replicas); status EMQX emqx
 * (status.conditions[Ready].status) — hint modified from emqx-reconciler.forwarder` (the notes first, when
 * there are any), cut to 1024 characters.
 */
export function auditMessage(record: ReconcileApplied): string {
  const parts = record.changes.map((c) => {
    const fields =
      c.fields.length > 0 ? ` (${c.fields.join(", ")}${c.moreFields ? `, +${c.moreFields} more` : ""})` : "";
    return `${c.action} ${c.kind} ${c.name}${fields}`;
  });
  const why = record.hint ? ` — hint ${record.hint.cause} from ${record.hint.source}` : " — no hint";
  const lead = record.notes && record.notes.length > 0 ? `${record.notes.join("; ")}: ` : "";
  const text = `${lead}${parts.join("; ") || `${record.writes} writes`}${why}`;
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

/** What {@link publishAudit} writes through. */
export interface AuditPorts {
  kube: {
    recordEvent(cr: KubeObject, event: { type: "Normal"; reason: string; message: string }): Promise<void>;
  };
  publisher?: Publisher;
  logger: Logger;
}

/**
 * Records the audit of one pass: the bus event, the log line and, when {@link auditsAsEvent}, the Event on the CR.
 * Failures are logged, never thrown: the writes are done, and a retried pass would not see them again. Resolves
 * to whether the Event was recorded (a write of its own).
 */
export async function publishAudit(
  ports: AuditPorts,
  cr: KubeObject,
  record: ReconcileApplied,
): Promise<boolean> {
  const message = auditMessage(record);
  ports.logger.info("Reconcile applied", { ...record, message });
  const recorded = auditsAsEvent(record.changes) && (await recordAuditEvent(ports, cr, message));
  await putAudit(ports, record);
  return recorded;
}

async function recordAuditEvent(ports: AuditPorts, cr: KubeObject, message: string): Promise<boolean> {
  try {
    await ports.kube.recordEvent(cr, { type: "Normal", reason: EventReason.ReconcileApplied, message });
    return true;
  } catch (error) {
    if (isNamespaceTerminatingError(error)) return false;
    ports.logger.warn("Failed to record the audit Event", { error: (error as Error).message });
    return false;
  }
}

async function putAudit(ports: AuditPorts, record: ReconcileApplied): Promise<void> {
  if (!ports.publisher) return;
  const entry = {
    Source: EventSource.Reconcile,
    DetailType: DetailType.ReconcileApplied,
    Detail: JSON.stringify(record),
  };
  try {
    const result = await ports.publisher.putEvents([entry]);
    if (result.Entries[0]?.ErrorCode)
      ports.logger.warn("The bus refused the audit event", { code: result.Entries[0].ErrorCode });
  } catch (error) {
    ports.logger.warn("Failed to reach the bus", { error: (error as Error).message });
  }
}
