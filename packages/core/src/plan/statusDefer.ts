/**
 * When a pass leaves its status write to the pass that follows it. A pass that turns the `on-serving` gate True on
 * pods whose containers are ready but which are not Ready yet knows what comes next: the kubelet marks those pods
 * Ready and their set's controller counts them, changes the watches report, so another pass runs a moment later
 * and computes the status again with those counts. If this pass's status differs from the stored one only in node
 * lists, counts and revisions, writing it would be overwritten by that pass; it is left to it. A change of any
 * condition is written at once, so a watcher sees every condition when it happens and in the same order. Should
 * the follow-up not come, the status refresher writes the same status on its next round.
 */
import type { EmqxStatus } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import { statusDiffers } from "./statusDiff.ts";
import type { PodConditionChange } from "./types.ts";

function isReady(pod: V1Pod | undefined): boolean {
  return pod?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/**
 * Whether the pass's status write waits for the pass its gates start (see the module comment): some gate turns
 * True on a pod not Ready yet, and the stored and planned status hold the same conditions.
 *
 * @example statusWaitsForGates(cr.status, plan.status, plan.podConditions, observed.pods)
 */
export function statusWaitsForGates(
  stored: unknown,
  planned: EmqxStatus,
  gates: readonly PodConditionChange[],
  pods: readonly V1Pod[],
): boolean {
  const opens = gates.some(
    (g) => g.status === "True" && !isReady(pods.find((p) => p.metadata?.uid === g.uid)),
  );
  if (!opens) return false;
  const storedConditions = (stored as { conditions?: unknown } | undefined)?.conditions;
  return !statusDiffers({ conditions: storedConditions }, { conditions: planned.conditions });
}
