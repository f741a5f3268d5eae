/**
 * The `apps.emqx.io/on-serving` readiness gate of every pod: pods are Ready, and so in Service
 * endpoints, only when we say the EMQX node serves.
 */
import { CONDITION_ON_SERVING, type EmqxNode, type EmqxStatus, LABEL_INSTANCE } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import { controllerUid, isRunning } from "../status/nodes.ts";
import type { Availability, EmqxView, PodConditionChange } from "./types.ts";

/** Inputs of {@link planPodConditions}. */
export interface PodConditionsInput {
  name: string;
  pods: readonly V1Pod[];
  api: EmqxView;
  /** This pass's status (fresh node lists when the API answered). */
  status: EmqxStatus;
  /** UIDs of the update StatefulSet and update ReplicaSet. */
  updateUids: ReadonlySet<string>;
  /** UIDs of current sets that differ from their update set (the blue side of a blue-green update). */
  retiringUids: ReadonlySet<string>;
  available: boolean;
  now: string;
}

function condition(pod: V1Pod, type: string): string | undefined {
  return pod.status?.conditions?.find((c) => c.type === type)?.status;
}

/** EMQX Enterprise ≥ 5.0.3 answers `availability_check`, which also says "no" while the node is evacuating. */
export function hasAvailabilityCheck(node: EmqxNode | undefined): boolean {
  if (node?.edition !== "Enterprise" || !node.version) return false;
  const [major = 0, minor = 0, patch = 0] = node.version
    .replace(/^[^\d]*/, "")
    .split(/[.-]/)
    .map(Number);
  return major > 5 || (major === 5 && (minor > 0 || patch >= 3));
}

const FROM_AVAILABILITY: Record<Availability, PodConditionChange["status"]> = {
  ok: "True",
  unavailable: "False",
  unknown: "Unknown",
};

/** The gate of an update-set pod: the node is a running member (or, on Enterprise, passes availability_check). */
function serving(pod: V1Pod, input: PodConditionsInput): PodConditionChange["status"] | undefined {
  if (input.api.state !== "ok") return undefined;
  const uid = pod.metadata?.uid;
  const nodes = [...(input.status.coreNodes ?? []), ...(input.status.replicantNodes ?? [])];
  const node = nodes.find((n) => n.podUID === uid);
  const checked = uid ? input.api.availability?.[uid] : undefined;
  if (checked && hasAvailabilityCheck(node)) return FROM_AVAILABILITY[checked];
  return node && isRunning(node) ? "True" : "False";
}

/**
 * The gate changes this pass, only where the status differs from the pod's current condition:
 * - a pod of an update set whose containers are ready: True when its node is a running member of the EMQX
 *   cluster, False otherwise (the operator accepted a member in any state; a stopped node does not serve), except
 *   that a pod that never had the gate is left without it until its node runs;
 * - a pod of a retiring current set, once `Available`: False, which takes it out of the Services (the blue-green
 *   traffic switch);
 * - any other pod: unchanged.
 *
 * When the EMQX API could not be read, update-set pods keep their gate: the operator flipped them all to False on
 * an API error and caused an outage (#1025); what the kubelet's probes say keeps protecting the endpoints.
 */
export function planPodConditions(input: PodConditionsInput): PodConditionChange[] {
  const changes: PodConditionChange[] = [];
  for (const pod of input.pods) {
    const owner = controllerUid(pod);
    const uid = pod.metadata?.uid;
    if (!owner || !uid || pod.metadata?.labels?.[LABEL_INSTANCE] !== input.name) continue;
    if (condition(pod, "ContainersReady") !== "True") continue;
    let status: PodConditionChange["status"] | undefined;
    const gate = condition(pod, CONDITION_ON_SERVING);
    if (input.updateUids.has(owner)) status = serving(pod, input);
    else if (input.retiringUids.has(owner) && input.available) status = "False";
    // A pod without the gate is not Ready already (the kubelet counts a missing readiness gate as False): a
    // False written there says nothing new, and a new node not yet listed as running would cost a write.
    if (status === "False" && gate === undefined && input.updateUids.has(owner)) continue;
    if (status && status !== gate) {
      changes.push({ pod: pod.metadata?.name ?? "", uid, status, lastTransitionTime: input.now });
    }
  }
  return changes;
}
