/**
 * `.status.conditions` with `meta.SetStatusCondition` semantics and the operator's ordering rule.
 *
 * Semantics: `lastTransitionTime` moves only when a condition is added or its `status` changes; a new reason or
 * message updates the entry in place. The operator's own `SetCondition` re-stamps the time on every write, which
 * rewrites a converged status and makes `initialDelaySeconds` restart whenever `Available` is set again; we do not
 * copy that quirk.
 *
 * Ordering: `kubectl get emqx` shows the first True condition, so the lifecycle conditions come
 * first, furthest stage first (`Ready, Available, ReplicantNodesReady, …, CoreNodesProgressing`); then our own
 * problem reports (`InvalidSpec`, `ReconcileFailed`, `NodeStatusStale`, `TemplateDrift`, `PodsNotReady`), which
 * therefore never hide the lifecycle state and show only when there is none (an invalid CR that never got a child);
 * then conditions other writers added, untouched. One exception: when `Ready` was withdrawn because the EMQX API has
 * been unreadable for minutes, `NodeStatusStale` comes first, so the printed state says so.
 */
import { type Condition, ConditionType, LIFECYCLE_CONDITIONS, safeMessage } from "@emqx-reconciler/api";

/** What a caller says about one condition; `status` defaults to True (the operator writes only True). */
export interface ConditionInput {
  type: string;
  reason: string;
  message: string;
  status?: Condition["status"];
}

/** Our problem reports, in display order after the lifecycle conditions. */
export const PROBLEM_CONDITIONS: readonly string[] = [
  ConditionType.InvalidSpec,
  ConditionType.ReconcileFailed,
  ConditionType.NodeStatusStale,
  ConditionType.TemplateDrift,
  ConditionType.PodsNotReady,
];

/** The condition of `type`, if present. */
export function findCondition(conditions: readonly Condition[], type: string): Condition | undefined {
  return conditions.find((c) => c.type === type);
}

/** Whether `type` is present with status True. */
export function isConditionTrue(conditions: readonly Condition[], type: string): boolean {
  return findCondition(conditions, type)?.status === "True";
}

/**
 * Adds or updates one condition (`meta.SetStatusCondition`): the time is `now` for a new condition or a status
 * change, otherwise kept; `observedGeneration` records the generation the observation was made for.
 *
 * @example setCondition(conds, { type: "Ready", reason: "Ready", message: "Cluster is ready" }, now, 3)
 */
export function setCondition(
  conditions: readonly Condition[],
  input: ConditionInput,
  now: string,
  generation?: number,
): Condition[] {
  const status = input.status ?? "True";
  const existing = findCondition(conditions, input.type);
  const next: Condition = {
    type: input.type,
    status,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: existing && existing.status === status ? existing.lastTransitionTime : now,
    reason: input.reason,
    // Messages quote EMQX and HOCON errors: scrubbed of credential-shaped text and bounded, like Event messages.
    message: safeMessage(input.message),
  };
  if (!existing) return [...conditions, next];
  return conditions.map((c) => (c === existing ? next : c));
}

/** Removes the conditions of the given types (progress backwards is expressed by removal). */
export function removeConditions(conditions: readonly Condition[], types: readonly string[]): Condition[] {
  return conditions.filter((c) => !types.includes(c.type));
}

function rank(type: string): number {
  const stage = (LIFECYCLE_CONDITIONS as readonly string[]).indexOf(type);
  if (stage >= 0) return LIFECYCLE_CONDITIONS.length - 1 - stage;
  const problem = PROBLEM_CONDITIONS.indexOf(type);
  if (problem >= 0) return LIFECYCLE_CONDITIONS.length + problem;
  return LIFECYCLE_CONDITIONS.length + PROBLEM_CONDITIONS.length;
}

/**
 * Sorts into display order (see the module comment). Stable, so foreign conditions keep their relative order.
 *
 * @example sortConditions(conds)[0]?.type // "Ready" on a converged cluster
 */
export function sortConditions(conditions: readonly Condition[]): Condition[] {
  const staleLeads = isReadyWithdrawnForStaleness(conditions);
  const rankOf = (type: string) => (staleLeads && type === ConditionType.NodeStatusStale ? -1 : rank(type));
  return conditions
    .map((condition, index) => ({ condition, index }))
    .sort((a, b) => rankOf(a.condition.type) - rankOf(b.condition.type) || a.index - b.index)
    .map(({ condition }) => condition);
}

/**
 * `Ready` is False and `NodeStatusStale` True: the reconciler has not been able to verify the cluster for minutes,
 * so `NodeStatusStale` is shown first (see `status/unverified.ts`).
 */
function isReadyWithdrawnForStaleness(conditions: readonly Condition[]): boolean {
  return (
    findCondition(conditions, ConditionType.Ready)?.status === "False" &&
    isConditionTrue(conditions, ConditionType.NodeStatusStale)
  );
}

/** The state `kubectl get emqx` shows: the type of the first True condition. */
export function currentState(conditions: readonly Condition[]): string | undefined {
  return conditions.find((c) => c.status === "True")?.type;
}
