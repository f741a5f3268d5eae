export { createNodePool, type NodePoolOptions, type PoolTls, sharedPool } from "./nodePool.ts";
export type * from "./types.ts";
