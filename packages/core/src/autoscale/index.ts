export * from "./decide.ts";
export * from "./policy.ts";
export * from "./rebalanceAfterScaleUp.ts";
