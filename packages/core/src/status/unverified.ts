/**
 * `Ready` that does not outlive the reconciler's view of the cluster. A blink of the EMQX API keeps `Ready` (the
 * pods' own probes still check every node), but once `NodeStatusStale` has held for
 * {@link STALE_READY_GRACE_SECONDS}, nobody has been able to manage the cluster for that long (a lost API key
 * answers 401 to every call; a hung API answers nothing): `Ready` turns `False` with the staleness reason
 * (`ApiUnauthorized` / `ApiUnavailable`), and `NodeStatusStale` moves first, so `kubectl get emqx` prints
 * `NodeStatusStale` instead of `Ready`. The first successful read gives `Ready` back.
 */
import { type Condition, ConditionType } from "@emqx-reconciler/api";
import { findCondition, isConditionTrue } from "./conditions.ts";

/** How long `Ready` stands on node lists the EMQX API has not confirmed: two minutes. */
export const STALE_READY_GRACE_SECONDS = 120;

function staleSeconds(stale: Condition, now: string): number {
  return (Date.parse(now) - Date.parse(stale.lastTransitionTime)) / 1000;
}

/**
 * Withdraws `Ready` (status `False`, reason of `NodeStatusStale`) when the API view has been stale for the grace
 * period and `Ready` would otherwise stand, or stood `False` for that reason in the prior status. Its
 * `lastTransitionTime` is kept while it stays `False`.
 *
 * @example applyUnverifiedReady(conds, prior.conditions ?? [], "2026-01-01T00:03:00Z", 4)
 */
export function applyUnverifiedReady(
  conditions: readonly Condition[],
  prior: readonly Condition[],
  now: string,
  generation: number | undefined,
): Condition[] {
  const stale = findCondition(conditions, ConditionType.NodeStatusStale);
  if (stale?.status !== "True" || staleSeconds(stale, now) < STALE_READY_GRACE_SECONDS)
    return [...conditions];
  const priorReady = findCondition(prior, ConditionType.Ready);
  const withdrawnBefore = priorReady?.status === "False";
  if (!isConditionTrue(conditions, ConditionType.Ready) && !withdrawnBefore) return [...conditions];
  const minutes = Math.floor(STALE_READY_GRACE_SECONDS / 60);
  const ready: Condition = {
    type: ConditionType.Ready,
    status: "False",
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: withdrawnBefore ? priorReady.lastTransitionTime : now,
    reason: stale.reason,
    message: `Not verified for over ${minutes} minutes: ${stale.message}`,
  };
  const rest = conditions.filter((c) => c.type !== ConditionType.Ready);
  return [ready, ...rest];
}
