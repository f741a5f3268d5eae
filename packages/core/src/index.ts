export * from "./hocon/index.ts";
export type * from "./plan/types.ts";
export * from "./children/index.ts";
export * from "./template/index.ts";
