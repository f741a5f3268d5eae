export * from "./planRebalance.ts";
