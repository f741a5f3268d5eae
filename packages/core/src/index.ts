export * from "./autoscale/index.ts";
export * from "./children/index.ts";
export * from "./compareText.ts";
export * from "./hocon/index.ts";
export * from "./plan/index.ts";
export * from "./rebalance/index.ts";
export * from "./status/index.ts";
export * from "./template/index.ts";
