/**
 * Writing `.status`, shared by the reconcile and status workflows: only when it changed, guarded by the CR's
 * resourceVersion, and with the one condition only the reconcile can clear (an apply the apiserver rejected).
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { type Condition, ConditionType, type EmqxStatus, EventReason } from "@emqx-reconciler/api";
import { setCondition, sortConditions } from "@emqx-reconciler/core";
import type { KubePort } from "../ports.ts";
import { isStaleWorldError } from "./reconcileErrors.ts";

/** Reason of the `InvalidSpec` condition set when the apiserver refused a child we built (e.g. an admission rule). */
export const REJECTED_REASON = EventReason.ReconcilerFailed;

/** `status` plus `InvalidSpec` (reason {@link REJECTED_REASON}) saying what the apiserver refused. */
export function withRejection(
  status: EmqxStatus,
  message: string,
  now: Date,
  generation?: number,
): EmqxStatus {
  const time = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const input = { type: ConditionType.InvalidSpec, reason: REJECTED_REASON, message };
  return {
    ...status,
    conditions: sortConditions(setCondition(status.conditions ?? [], input, time, generation)),
  };
}

/**
 * Keeps a rejection condition of the prior status that `plan` (which never sees apply results) would drop: only a
 * reconcile whose applies succeed clears it, so the status workflow does not flap it.
 */
export function keepRejection(planned: EmqxStatus, prior: unknown): EmqxStatus {
  const conditions = ((prior as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
  const rejected = conditions.find(
    (c) => c.type === ConditionType.InvalidSpec && c.reason === REJECTED_REASON,
  );
  if (!rejected || planned.conditions?.some((c) => c.type === ConditionType.InvalidSpec)) return planned;
  return { ...planned, conditions: sortConditions([...(planned.conditions ?? []), rejected]) };
}

/**
 * Replaces `.status` of `cr` if it is still at `resourceVersion`. Returns the stored CR, or `undefined` when the CR
 * changed or vanished meanwhile (409/404: the next pass recomputes from the new state).
 */
export async function writeStatus(
  kube: Pick<KubePort, "replaceStatus">,
  cr: KubeObject,
  resourceVersion: string | undefined,
  status: EmqxStatus,
): Promise<KubeObject | undefined> {
  const { name, namespace, uid } = cr.metadata ?? {};
  const body = {
    apiVersion: cr.apiVersion,
    kind: cr.kind,
    metadata: { name, namespace, uid, resourceVersion },
    status,
  };
  try {
    return await kube.replaceStatus(body);
  } catch (error) {
    if (isStaleWorldError(error)) return undefined;
    throw error;
  }
}
