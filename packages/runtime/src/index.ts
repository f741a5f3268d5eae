export * from "./embedded/bus.ts";
export * from "./embedded/errors.ts";
export * from "./embedded/hints.ts";
export {
  type ContentFilterPattern,
  matchesPattern,
  type PatternValue,
  validatePattern,
} from "./embedded/patternMatcher.ts";
export * from "./embedded/putEvents.ts";
export * from "./embedded/queueMetrics.ts";
export * from "./embedded/rateLimiter.ts";
export * from "./embedded/runtime.ts";
export * from "./embedded/timers.ts";
export * from "./embedded/workQueue.ts";
export * from "./workflows/forward/index.ts";
