export * from "./emqx/index.ts";
export * from "./errors.ts";
export * from "./kube/index.ts";
