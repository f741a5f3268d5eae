/**
 * When a pass leaves its status write to a pass that is sure to follow. A pod whose `on-serving` gate is True (set
 * by this pass or an earlier one) and whose containers are ready, but which is not Ready yet, is about to be
 * marked Ready by the kubelet and counted by its set's controller: changes the watches report, so another pass
 * runs a moment later and computes the status again with those counts. While such a pod exists, a status that
 * differs from the stored one only in node lists, counts and revisions would be overwritten by that pass; it is
 * left to it. A change of any condition is written at once, so a watcher sees every condition when it happens
 * and in the same order. Should the pod never turn Ready (another readiness gate of the user's holds it), the
 * status refresher writes the same status on its next round.
 */
import { CONDITION_ON_SERVING, type EmqxStatus } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import { statusDiffers } from "./statusDiff.ts";
import type { PodConditionChange } from "./types.ts";

function condition(pod: V1Pod, type: string): string | undefined {
  return pod.status?.conditions?.find((c) => c.type === type)?.status;
}

/** A pod that the kubelet is about to mark Ready: gate True (planned or set), containers ready, not Ready yet. */
function aboutToBeReady(pod: V1Pod, gates: readonly PodConditionChange[]): boolean {
  const planned = gates.find((g) => g.uid === pod.metadata?.uid)?.status;
  const gate = planned ?? condition(pod, CONDITION_ON_SERVING);
  return (
    gate === "True" && condition(pod, "ContainersReady") === "True" && condition(pod, "Ready") === "False"
  );
}

/**
 * Whether the pass's status write waits for the pass a pod's coming readiness starts (see the module comment):
 * some pod is about to turn Ready, and the stored and planned status hold the same conditions.
 *
 * @example statusWaitsForGates(cr.status, plan.status, plan.podConditions, observed.pods)
 */
export function statusWaitsForGates(
  stored: unknown,
  planned: EmqxStatus,
  gates: readonly PodConditionChange[],
  pods: readonly V1Pod[],
): boolean {
  if (!pods.some((pod) => aboutToBeReady(pod, gates))) return false;
  const storedConditions = (stored as { conditions?: unknown } | undefined)?.conditions;
  return !statusDiffers({ conditions: storedConditions }, { conditions: planned.conditions });
}
