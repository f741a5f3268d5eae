export { computeStatus, type RoleRevisions, type StatusInput, type StatusResult } from "./computeStatus.ts";
export {
  currentState,
  findCondition,
  isConditionTrue,
  removeConditions,
  setCondition,
  sortConditions,
} from "./conditions.ts";
export { applyLifecycle, type LifecycleFacts, lifecycleStages } from "./lifecycle.ts";
export * from "./lifecycleEvents.ts";
export { countNodes, isRunning, matchNodes, podOfNode } from "./nodes.ts";
export {
  findStuckPods,
  type PodsNotReadyOutcome,
  planPodsNotReady,
  podsNotReadyMessage,
  type StuckPod,
  stuckReason,
} from "./podsNotReady.ts";
export { parsePriorStatus } from "./prior.ts";
export { isSetReady, promoteRevisions, type Revisions, setHash } from "./revisions.ts";
export { formatTime, toMillis } from "./time.ts";
export { applyUnverifiedReady, STALE_READY_GRACE_SECONDS } from "./unverified.ts";
