/**
 * When a pass leaves its status write to a pass that is sure to follow. Two facts announce such a pass:
 * - a pod whose `on-serving` gate is True (set by this pass or an earlier one) and whose containers are ready, but
 *   which is not Ready yet: the kubelet is about to mark it Ready;
 * - a StatefulSet or ReplicaSet that counts fewer ready replicas than it has Ready pods: its controller is about to
 *   count them.
 * Both are changes the watches report, so another pass runs a moment later and computes the status again, with
 * those counts. While either holds, a status that differs from the stored one only in node lists, counts and
 * revisions would be overwritten by that pass; it is left to it. A change of any condition is written at once, so
 * a watcher sees every condition when it happens and in the same order. Should the announced change never come
 * (another readiness gate of the user's holds a pod), the status refresher writes the same status on its next
 * round.
 */
import { CONDITION_ON_SERVING, type EmqxStatus } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import { controllerUid } from "../status/nodes.ts";
import type { WorkloadSet } from "../status/revisions.ts";
import { statusDiffers } from "./statusDiff.ts";
import type { PodConditionChange } from "./types.ts";

function condition(pod: V1Pod, type: string): string | undefined {
  return pod.status?.conditions?.find((c) => c.type === type)?.status;
}

/** A pod that the kubelet is about to mark Ready: gate True (planned or set), containers ready, Ready False. */
function aboutToBeReady(pod: V1Pod, gates: readonly PodConditionChange[]): boolean {
  const planned = gates.find((g) => g.uid === pod.metadata?.uid)?.status;
  const gate = planned ?? condition(pod, CONDITION_ON_SERVING);
  return (
    gate === "True" && condition(pod, "ContainersReady") === "True" && condition(pod, "Ready") === "False"
  );
}

/** A set whose controller has not counted all of its Ready pods yet. */
function aboutToCount(set: WorkloadSet, pods: readonly V1Pod[]): boolean {
  const uid = set.metadata?.uid;
  const ready = pods.filter(
    (p) => uid && controllerUid(p) === uid && condition(p, "Ready") === "True",
  ).length;
  return (set.status?.readyReplicas ?? 0) < ready;
}

/** What a pass knows is about to change (see the module comment). */
export interface PendingFacts {
  /** This pass's gate changes. */
  gates: readonly PodConditionChange[];
  pods: readonly V1Pod[];
  sets: readonly WorkloadSet[];
}

/**
 * Whether the pass's status write waits for the pass that a pod's coming readiness or a set's coming count starts
 * (see the module comment): one of them is pending, and the stored and planned status hold the same conditions.
 *
 * @example statusAwaitsPending(cr.status, plan.status, { gates: plan.podConditions, pods, sets })
 */
export function statusAwaitsPending(stored: unknown, planned: EmqxStatus, facts: PendingFacts): boolean {
  const pending =
    facts.pods.some((pod) => aboutToBeReady(pod, facts.gates)) ||
    facts.sets.some((set) => aboutToCount(set, facts.pods));
  if (!pending) return false;
  const storedConditions = (stored as { conditions?: unknown } | undefined)?.conditions;
  return !statusDiffers({ conditions: storedConditions }, { conditions: planned.conditions });
}
