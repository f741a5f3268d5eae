export * from "./cachingKube.ts";
export * from "./childListMemo.ts";
export * from "./childMembership.ts";
export * from "./compact.ts";
export * from "./labelSelector.ts";
export * from "./objectCache.ts";
export * from "./rememberingKube.ts";
export * from "./versionDigest.ts";
