/**
 * Writing `.status`, shared by the reconcile and status workflows: only when it changed, guarded by the CR's
 * resourceVersion, and with the one condition only the reconcile can clear (`ReconcileFailed`: a write failing).
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { type Condition, ConditionType, type EmqxStatus } from "@emqx-reconciler/api";
import { sortConditions } from "@emqx-reconciler/core";
import type { KubePort } from "../ports.ts";
import { isStaleReadError } from "./workflowErrors.ts";

/**
 * Keeps the `ReconcileFailed` condition of the prior status, which `plan` (it never sees write results) drops:
 * only a reconcile whose writes succeed clears it, so the status workflow does not flap it.
 */
export function keepWriteFailure(planned: EmqxStatus, prior: unknown): EmqxStatus {
  const conditions = ((prior as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
  const failed = conditions.find((c) => c.type === ConditionType.ReconcileFailed);
  if (!failed || planned.conditions?.some((c) => c.type === ConditionType.ReconcileFailed)) return planned;
  return { ...planned, conditions: sortConditions([...(planned.conditions ?? []), failed]) };
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
    if (isStaleReadError(error)) return undefined;
    throw error;
  }
}
