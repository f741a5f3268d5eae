/**
 * Pruning of old revisions (the operator's syncSets): once `Ready`, retired 0-replica sets beyond
 * `revisionHistoryLimit` are deleted, oldest first, with the PVCs of deleted StatefulSets.
 */
import type { V1PersistentVolumeClaim, V1ReplicaSet, V1StatefulSet } from "@kubernetes/client-node";
import { oldestFirst, type WorkloadSet } from "../status/revisions.ts";
import type { DeleteRef } from "./types.ts";

/** Inputs of {@link planCleanup}: the sets of one kind and which of them are current and update. */
export interface CleanupInput {
  namespace: string;
  limit: number;
  statefulSets: readonly V1StatefulSet[];
  replicaSets: readonly V1ReplicaSet[];
  /** UIDs of the current and update sets of both roles, never deleted. */
  keep: ReadonlySet<string>;
  claims: readonly V1PersistentVolumeClaim[];
}

/** A retired set: no pods wanted, none left, its controller has seen that, and nobody is deleting it yet. */
function isRetired(set: WorkloadSet): boolean {
  return (
    (set.spec?.replicas ?? 0) === 0 &&
    (set.status?.replicas ?? 0) === 0 &&
    (set.metadata?.generation ?? 0) <= (set.status?.observedGeneration ?? 0) &&
    set.metadata?.deletionTimestamp === undefined
  );
}

function excess<S extends WorkloadSet>(sets: readonly S[], keep: ReadonlySet<string>, limit: number): S[] {
  const old = oldestFirst(sets.filter((s) => !keep.has(s.metadata?.uid ?? "")));
  let over = old.length - limit;
  const out: S[] = [];
  for (const set of old) {
    if (over <= 0) break;
    if (!isRetired(set)) continue;
    out.push(set);
    over--;
  }
  return out;
}

function ref(
  apiVersion: string,
  kind: DeleteRef["kind"],
  namespace: string,
  meta: { name?: string; uid?: string } | undefined,
): DeleteRef {
  return { apiVersion, kind, namespace, name: meta?.name ?? "", uid: meta?.uid ?? "" };
}

/** PVCs made from the set's claim template: their labels include all of the set's selector labels (with the hash). */
function claimsOf(set: V1StatefulSet, claims: readonly V1PersistentVolumeClaim[]): V1PersistentVolumeClaim[] {
  const selector = Object.entries(set.spec?.selector?.matchLabels ?? {});
  if (selector.length === 0) return [];
  return claims.filter((c) => selector.every(([k, v]) => c.metadata?.labels?.[k] === v));
}

/**
 * The sets (and their PVCs) to delete. The operator deletes old StatefulSets' PVCs too, so the data of a retired
 * revision is gone once it is pruned (#1151): `revisionHistoryLimit` is how long it is kept.
 */
export function planCleanup(input: CleanupInput): DeleteRef[] {
  const out: DeleteRef[] = [];
  for (const set of excess(input.replicaSets, input.keep, input.limit)) {
    out.push(ref("apps/v1", "ReplicaSet", input.namespace, set.metadata));
  }
  for (const set of excess(input.statefulSets, input.keep, input.limit)) {
    out.push(ref("apps/v1", "StatefulSet", input.namespace, set.metadata));
    for (const claim of claimsOf(set, input.claims)) {
      out.push(ref("v1", "PersistentVolumeClaim", input.namespace, claim.metadata));
    }
  }
  return out;
}
