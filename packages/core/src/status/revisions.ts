/**
 * Which StatefulSet / ReplicaSet is the "update" one and which the "current" one.
 *
 * The operator's only memory of this is `status.<role>NodesStatus.{updateRevision,currentRevision}` matched
 * against each set's `apps.emqx.io/pod-template-hash` label; we keep that contract so clusters move freely between
 * the operator and us.
 */
import { LABEL_POD_TEMPLATE_HASH } from "@emqx-reconciler/api";
import type { V1ReplicaSet, V1StatefulSet } from "@kubernetes/client-node";
import { compareText } from "../compareText.ts";
import { toMillis } from "./time.ts";

/** A core StatefulSet or a replicant ReplicaSet: the fields both share are all this module reads. */
export type WorkloadSet = V1StatefulSet | V1ReplicaSet;

/** The two revisions of one role. */
export interface Revisions {
  updateRevision?: string;
  currentRevision?: string;
}

/** The pod-template hash a set carries in its label (and name suffix). */
export function setHash(set: WorkloadSet): string | undefined {
  return set.metadata?.labels?.[LABEL_POD_TEMPLATE_HASH];
}

/** The set whose hash is `hash`. */
export function findSet<S extends WorkloadSet>(sets: readonly S[], hash: string | undefined): S | undefined {
  return hash === undefined ? undefined : sets.find((s) => setHash(s) === hash);
}

/** Sets oldest first, by creation time then name, as the operator sorts its old sets. */
export function oldestFirst<S extends WorkloadSet>(sets: readonly S[]): S[] {
  return [...sets].sort(
    (a, b) =>
      (toMillis(a.metadata?.creationTimestamp) ?? 0) - (toMillis(b.metadata?.creationTimestamp) ?? 0) ||
      compareText(a.metadata?.name ?? "", b.metadata?.name ?? ""),
  );
}

function livePods(set: WorkloadSet): number {
  return set.status?.replicas ?? 0;
}

/**
 * Moves `currentRevision` forward once the current set has no pods left, applied until
 * stable so one pass reaches the final answer:
 * - an update revision without a current one becomes current too (a fresh cluster);
 * - when the current set is gone or down to 0 pods, the oldest other set that still has pods becomes current,
 *   else the update set;
 * - when current equals update but another set still runs pods (a rollback abandoned a newer set,
 *   which the operator never scaled down), that set becomes current, so the blue-green scale-down retires it.
 *
 * @example promoteRevisions(sets, { updateRevision: "new", currentRevision: "old" }) // old set at 0 → current "new"
 */
export function promoteRevisions(sets: readonly WorkloadSet[], revisions: Revisions): Revisions {
  const { updateRevision } = revisions;
  let currentRevision = revisions.currentRevision ?? updateRevision;
  const update = findSet(sets, updateRevision);
  if (!update) return { updateRevision, currentRevision };
  const others = oldestFirst(sets.filter((s) => s !== update));
  const current = findSet(sets, currentRevision);
  const retired = current === undefined || (current !== update && livePods(current) === 0);
  const abandoned = current === update && others.some((s) => livePods(s) > 0);
  if (retired || abandoned) {
    const serving = others.find((s) => livePods(s) > 0);
    currentRevision = serving ? setHash(serving) : updateRevision;
  }
  return { updateRevision, currentRevision };
}

/**
 * The operator's "set is ready" test: `readyReplicas` is non-zero and equals the desired replicas. We also
 * require the set controller to have seen the latest spec, so a set scaled a moment ago is not judged on its
 * previous size.
 */
export function isSetReady(set: WorkloadSet | undefined, desiredReplicas: number): boolean {
  if (!set) return false;
  const ready = set.status?.readyReplicas ?? 0;
  const seen = (set.status?.observedGeneration ?? 0) >= (set.metadata?.generation ?? 0);
  return ready !== 0 && ready === desiredReplicas && seen;
}
