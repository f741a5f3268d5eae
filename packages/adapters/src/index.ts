export * from "./emqx/index.ts";
export * from "./errors.ts";
export * from "./http/index.ts";
export * from "./kube/index.ts";
