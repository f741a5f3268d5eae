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
export { parsePriorStatus } from "./prior.ts";
export { isSetReady, promoteRevisions, type Revisions, setHash } from "./revisions.ts";
export { formatTime, toMillis } from "./time.ts";
