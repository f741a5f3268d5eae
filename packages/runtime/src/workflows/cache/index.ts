export * from "./cachingKube.ts";
export * from "./compact.ts";
export * from "./labelSelector.ts";
export * from "./objectCache.ts";
