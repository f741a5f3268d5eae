export * from "./decide.ts";
export * from "./policy.ts";
