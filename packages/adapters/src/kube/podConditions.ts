import { isoSeconds } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import type { KubeHttp } from "./KubeHttp.ts";
import { RESOURCES } from "./resources.ts";
import type { KubeObject, Wire } from "./types.ts";
import { ContentType, patchObject } from "./writes.ts";

/** A pod condition to set, e.g. the `apps.emqx.io/on-serving` readiness gate. */
export interface PodConditionInput {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
}

/** True when the pod already carries `condition` with the same status (and reason/message when given). */
export function hasPodCondition(pod: Wire<V1Pod>, condition: PodConditionInput): boolean {
  const current = pod.status?.conditions?.find((c) => c.type === condition.type);
  return (
    current !== undefined &&
    current.status === condition.status &&
    (condition.reason === undefined || current.reason === condition.reason) &&
    (condition.message === undefined || current.message === condition.message)
  );
}

/** Options of {@link setPodCondition}. */
export interface SetPodConditionOptions {
  /** Receives the pod as the patch stored it (a read cache takes it in). */
  onStored?(pod: KubeObject): void;
}

/**
 * Sets one condition in `pods/status` with a strategic merge patch, which merges `status.conditions` by `type`,
 * so the kubelet's conditions are left alone. Writes nothing when the pod already has it; `lastTransitionTime`
 * moves only when the status changes. Returns whether a patch was sent.
 */
export async function setPodCondition(
  http: KubeHttp,
  pod: Wire<V1Pod>,
  condition: PodConditionInput,
  now: Date,
  options: SetPodConditionOptions = {},
): Promise<boolean> {
  if (hasPodCondition(pod, condition)) return false;
  const namespace = pod.metadata?.namespace;
  const name = pod.metadata?.name;
  if (!namespace || !name)
    throw new Error("setPodCondition: the pod needs metadata.namespace and metadata.name");
  const current = pod.status?.conditions?.find((c) => c.type === condition.type);
  const lastTransitionTime =
    current?.status === condition.status && current.lastTransitionTime
      ? current.lastTransitionTime
      : isoSeconds(now);
  const stored = await patchObject(http, {
    info: RESOURCES.Pod,
    namespace,
    name,
    subresource: "status",
    contentType: ContentType.StrategicMergePatch,
    patch: { status: { conditions: [{ ...condition, lastTransitionTime }] } },
  });
  options.onStored?.(stored);
  return true;
}
