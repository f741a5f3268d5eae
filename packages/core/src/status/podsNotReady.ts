/**
 * `PodsNotReady`: why a CR's pods are not coming up, read from the pods the pass already has.
 *
 * The operator sits at `ReplicantNodesProgressing` when a pod cannot be scheduled or pulled and says nothing, while
 * requeueing every second. We name the stuck pods and the reason in a condition (so `kubectl describe emqx` shows
 * it), record one Warning event when that finding is new, and ask for no extra pass: every change of a pod is a
 * hint already, so the condition follows the pods without a polling loop.
 *
 * Only reasons waiting will not fix count: a pod the scheduler refused (`PodScheduled=False`, reason
 * `Unschedulable`, with the scheduler's own message), an image that cannot be pulled (`ErrImagePull`,
 * `ImagePullBackOff`, `InvalidImageName`), a crash-looping container (`CrashLoopBackOff`) and a container that
 * cannot be created (`CreateContainerConfigError`, `CreateContainerError`). A pod merely starting is not reported.
 */
import {
  type Condition,
  ConditionReason,
  ConditionType,
  EventReason,
  LABEL_INSTANCE,
} from "@emqx-reconciler/api";
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { compareText } from "../compareText.ts";
import type { PlannedEvent } from "../plan/types.ts";
import { findCondition, removeConditions, setCondition, sortConditions } from "./conditions.ts";

/** Pods named per reason in one message; the rest are counted. */
export const MAX_PODS_NAMED = 5;

/** One stuck pod and why. */
export interface StuckPod {
  pod: string;
  /** One of the `PodsNotReady` reasons of `ConditionReason`. */
  reason: string;
  /** Stable words for humans: the scheduler's message, or the container, image and exit code. */
  detail: string;
}

/** Kubelet waiting reasons, mapped to the condition reason. The pull reasons alternate, so they share one. */
const WAITING_REASONS: Record<string, string> = {
  ErrImagePull: ConditionReason.ImagePullBackOff,
  ImagePullBackOff: ConditionReason.ImagePullBackOff,
  InvalidImageName: ConditionReason.ImagePullBackOff,
  CrashLoopBackOff: ConditionReason.CrashLoopBackOff,
  CreateContainerConfigError: ConditionReason.CreateContainerError,
  CreateContainerError: ConditionReason.CreateContainerError,
};

/** Reasons, worst first: the condition carries the first one found. */
const REASON_ORDER: readonly string[] = [
  ConditionReason.Unschedulable,
  ConditionReason.ImagePullBackOff,
  ConditionReason.CreateContainerError,
  ConditionReason.CrashLoopBackOff,
];

function containerDetail(status: V1ContainerStatus, reason: string): string {
  if (reason === ConditionReason.ImagePullBackOff) {
    return `image ${JSON.stringify(status.image)} of container ${status.name} cannot be pulled`;
  }
  if (reason === ConditionReason.CrashLoopBackOff) {
    const exit = status.lastState?.terminated;
    const code = exit ? `, last exit code ${exit.exitCode}${exit.reason ? ` (${exit.reason})` : ""}` : "";
    return `container ${status.name} keeps crashing (${status.restartCount} restarts${code})`;
  }
  return `container ${status.name} cannot be created (${status.state?.waiting?.reason})`;
}

/** Why one pod is stuck, or undefined while it is scheduled and its containers start normally. */
export function stuckReason(pod: V1Pod): StuckPod | undefined {
  const name = pod.metadata?.name ?? "";
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === ConditionReason.Unschedulable) {
    const detail = scheduled.message?.trim() || "the scheduler found no node for it";
    return { pod: name, reason: ConditionReason.Unschedulable, detail };
  }
  const containers = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const status of containers) {
    const reason = WAITING_REASONS[status.state?.waiting?.reason ?? ""];
    if (reason) return { pod: name, reason, detail: containerDetail(status, reason) };
  }
  return undefined;
}

/** The stuck pods of the CR `name` (terminating pods excluded), sorted by pod name. */
export function findStuckPods(name: string, pods: readonly V1Pod[]): StuckPod[] {
  return pods
    .filter((p) => p.metadata?.labels?.[LABEL_INSTANCE] === name && !p.metadata?.deletionTimestamp)
    .map(stuckReason)
    .filter((s): s is StuckPod => s !== undefined)
    .sort((a, b) => compareText(a.pod, b.pod));
}

function describeGroup(reason: string, stuck: readonly StuckPod[]): string {
  const byDetail = new Map<string, string[]>();
  for (const s of stuck) byDetail.set(s.detail, [...(byDetail.get(s.detail) ?? []), s.pod]);
  const parts = [...byDetail].map(([detail, pods]) => {
    const named = pods.slice(0, MAX_PODS_NAMED).join(", ");
    const more = pods.length > MAX_PODS_NAMED ? ` and ${pods.length - MAX_PODS_NAMED} more` : "";
    return `${named}${more}: ${detail}`;
  });
  return `${reason}: ${parts.join("; ")}`;
}

/**
 * The condition message: a count, then one part per reason (worst first) naming the pods and the detail.
 *
 * @example podsNotReadyMessage([{ pod: "emqx-core-0", reason: "Unschedulable", detail: "0/3 nodes are available" }])
 * // "1 pod not ready: Unschedulable: emqx-core-0: 0/3 nodes are available"
 */
export function podsNotReadyMessage(stuck: readonly StuckPod[]): string {
  const groups = REASON_ORDER.map((r) => [r, stuck.filter((s) => s.reason === r)] as const).filter(
    ([, pods]) => pods.length > 0,
  );
  const count = `${stuck.length} ${stuck.length === 1 ? "pod" : "pods"} not ready`;
  return `${count}: ${groups.map(([r, pods]) => describeGroup(r, pods)).join(". ")}`;
}

/** What `PodsNotReady` changes in one pass. */
export interface PodsNotReadyOutcome {
  conditions: Condition[];
  events: PlannedEvent[];
}

/**
 * Sets `PodsNotReady` while any of the CR's pods is stuck and removes it once none is. The Warning event is planned
 * only when the condition is new or says something new, so a pod stuck for an hour records one event.
 */
export function planPodsNotReady(
  conditions: readonly Condition[],
  name: string,
  pods: readonly V1Pod[],
  now: string,
  generation: number | undefined,
): PodsNotReadyOutcome {
  const before = findCondition(conditions, ConditionType.PodsNotReady);
  const stuck = findStuckPods(name, pods);
  if (stuck.length === 0) {
    return { conditions: removeConditions(conditions, [ConditionType.PodsNotReady]), events: [] };
  }
  const reason = REASON_ORDER.find((r) => stuck.some((s) => s.reason === r)) ?? ConditionReason.Unschedulable;
  const message = podsNotReadyMessage(stuck);
  const input = { type: ConditionType.PodsNotReady, reason, message };
  const next = sortConditions(setCondition(conditions, input, now, generation));
  const isNew = before?.status !== "True" || before.reason !== reason || before.message !== message;
  return {
    conditions: next,
    events: isNew ? [{ type: "Warning", reason: EventReason.PodsNotReady, message }] : [],
  };
}
