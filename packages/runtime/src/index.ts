export * from "./embedded/errors.ts";
export {
  type EventPattern,
  matchesPattern,
  type PatternValue,
  validatePattern,
} from "./embedded/patternMatcher.ts";
