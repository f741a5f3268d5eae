export * from "./ClusterRegistryReader.ts";
export * from "./clusterAccess.ts";
export * from "./EksTokenProvider.ts";
export * from "./EventPublisher.ts";
export * from "./errors.ts";
export * from "./eventBridgeTarget.ts";
export * from "./hintQueue.ts";
export * from "./registrySchema.ts";
