import { createHash } from "node:crypto";
import type { KindName, KubeObject } from "@emqx-reconciler/adapters";
import { FIELD_MANAGER } from "@emqx-reconciler/api";

type Fields = Record<string, unknown> | undefined;

/**
 * What of an object can change a reconcile's outcome, per kind. A MODIFIED event whose fingerprint equals the
 * previous one is dropped. The choices:
 * - every kind: labels, annotations, owner references, finalizers, deletion, generation (spec changes);
 * - EMQX: nothing more. Status-only updates are written by the reconciler and the status function themselves
 *   (the operator filters them out with a generation-changed predicate); annotation or label changes at the
 *   same generation do pass, since the reconciler reads annotations (`last-emqx-configuration`);
 * - Pod: node, phase, IP, condition statuses (readiness and the `on-serving` gate) and container
 *   ready/started/restart/state; not condition timestamps or probe times;
 * - StatefulSet / ReplicaSet: the whole status except condition timestamps (rollouts wait on it);
 * - Service: spec and status; ConfigMap: data (drift is repaired);
 * - Secret: metadata only. Secrets are create-only, so a data change needs no reconcile (and `type` is
 *   immutable); their values never enter the fingerprint, and lists of Secrets are metadata-only;
 * - PodDisruptionBudget: metadata only (its status mirrors pod readiness, which pods already report).
 */
export function computeRelevantState(kind: KindName, obj: KubeObject): Record<string, unknown> {
  const meta = obj.metadata;
  const common = {
    labels: meta?.labels,
    annotations: meta?.annotations,
    owners: meta?.ownerReferences?.map((ref) => [ref.uid, ref.controller ?? false]),
    finalizers: meta?.finalizers,
    deleting: meta?.deletionTimestamp,
    generation: meta?.generation,
  };
  const spec = obj.spec as Fields;
  const status = obj.status as Fields;
  switch (kind) {
    case "Pod":
      return { ...common, node: spec?.nodeName, pod: podStatusState(status) };
    case "StatefulSet":
    case "ReplicaSet":
      return { ...common, status: { ...status, conditions: conditionStates(status) } };
    case "Service":
      return { ...common, spec, status };
    case "ConfigMap":
      return { ...common, data: obj.data, binaryData: obj.binaryData };
    default:
      return common;
  }
}

/** A short digest of {@link computeRelevantState}, cheap to keep per object and free of any object content. */
export function computeFingerprint(kind: KindName, obj: KubeObject): string {
  return createHash("sha1")
    .update(JSON.stringify(computeRelevantState(kind, obj)))
    .digest("base64");
}

function podStatusState(status: Fields): unknown {
  if (!status) return undefined;
  const containers = status.containerStatuses as Array<Record<string, unknown>> | undefined;
  return {
    phase: status.phase,
    podIP: status.podIP,
    conditions: conditionStates(status),
    containers: containers?.map((c) => [
      c.name,
      c.ready,
      c.started,
      c.restartCount,
      Object.keys((c.state as object | undefined) ?? {})[0],
    ]),
  };
}

function conditionStates(status: Fields): unknown {
  const conditions = status?.conditions as Array<Record<string, unknown>> | undefined;
  return conditions?.map((c) => [c.type, c.status, c.reason]);
}

/**
 * Whether the newest write to `obj` is the reconciler's own (its field manager alone holds the latest
 * `managedFields` time): the echo of a write the reconcile that made it already accounted for, so it needs no
 * new pass. Writes by anyone else — controllers, kwok or a kubelet, a user's `kubectl edit` — are never echoes,
 * and neither is a write in the same second as someone else's (managedFields times have one-second precision).
 */
export function isOwnEcho(obj: KubeObject, manager: string = FIELD_MANAGER): boolean {
  const entries = obj.metadata?.managedFields ?? [];
  let newest = "";
  let ownsNewest = false;
  for (const entry of entries) {
    const time = String(entry.time ?? "");
    const ours = entry.manager === manager;
    if (time > newest) [newest, ownsNewest] = [time, ours];
    else if (time === newest) ownsNewest &&= ours;
  }
  return newest !== "" && ownsNewest;
}
