/**
 * Which CRs, once their status is refreshed, need a person: the conditions that stay True until something outside
 * the reconciler changes (the EMQX API unreadable, a write the apiserver keeps refusing). The status function
 * counts the clusters holding such CRs as fleet metrics and names them in its logs.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { ConditionType } from "@emqx-reconciler/api";
import { crRef } from "./readObserved.ts";

/** The conditions that put a CR on the attention list. */
export const ATTENTION_CONDITIONS = [ConditionType.NodeStatusStale, ConditionType.ReconcileFailed] as const;
/** One of {@link ATTENTION_CONDITIONS}. */
export type AttentionCondition = (typeof ATTENTION_CONDITIONS)[number];

/** One CR whose status holds an attention condition True, and that condition's reason. */
export interface CrAttention {
  namespace: string;
  name: string;
  condition: AttentionCondition;
  reason: string;
}

interface RawCondition {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
}

/**
 * The attention conditions True in `status` (a CR's `.status` as written or read, not validated), for the CR `cr`.
 *
 * @example attentionOf(cr, cr.status) // [{ namespace: "mq", name: "emqx", condition: "NodeStatusStale", reason: "ApiUnauthorized" }]
 */
export function attentionOf(cr: KubeObject, status: unknown): CrAttention[] {
  const conditions = (status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return [];
  return ATTENTION_CONDITIONS.flatMap((type) => {
    const found = (conditions as RawCondition[]).find((c) => c?.type === type && c.status === "True");
    return found ? [{ ...crRef(cr), condition: type, reason: String(found.reason ?? "") }] : [];
  });
}
