export * from "./embedded/bus.ts";
export * from "./embedded/entryChecks.ts";
export * from "./embedded/errors.ts";
export * from "./embedded/hints.ts";
export * from "./embedded/leaderLease.ts";
export {
  type ContentFilterPattern,
  matchesPattern,
  type PatternValue,
  validatePattern,
} from "./embedded/patternMatcher.ts";
export * from "./embedded/queueMetrics.ts";
export * from "./embedded/rateLimiter.ts";
export * from "./embedded/runtime.ts";
export * from "./embedded/timers.ts";
export * from "./embedded/workQueue.ts";
export type {
  Clock,
  EmqxApi,
  EmqxApiFactory,
  EmqxApiOpener,
  EmqxApiTarget,
  EmqxReadApi,
  KubePort,
  LogFields,
  Logger,
  Random,
  ReconcileDeps,
  StatusAutoscale,
  StatusDeps,
} from "./ports.ts";
export { silentLogger } from "./ports.ts";
export { isApplyNoop } from "./workflows/applyNoop.ts";
export * from "./workflows/autoscale.ts";
export * from "./workflows/cache/index.ts";
export * from "./workflows/emqxApiFactory.ts";
export * from "./workflows/forward/index.ts";
export * from "./workflows/lifecyclePublish.ts";
export * from "./workflows/livePlan.ts";
export { mapBounded } from "./workflows/mapBounded.ts";
export * from "./workflows/rebalance.ts";
export * from "./workflows/rebalanceListing.ts";
export * from "./workflows/reconcile.ts";
export * from "./workflows/scale.ts";
export * from "./workflows/scaleBounds.ts";
export * from "./workflows/scalePort.ts";
export * from "./workflows/status.ts";
export * from "./workflows/statusAttention.ts";
export {
  computeTransition,
  phaseOf,
  publishTransitions,
  transitionEntry,
} from "./workflows/statusTransitions.ts";
export * from "./workflows/systemSources.ts";
export * from "./workflows/workflowErrors.ts";
