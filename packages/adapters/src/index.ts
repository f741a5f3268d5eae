export * from "./errors.ts";
export * from "./kube/index.ts";
