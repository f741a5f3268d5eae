export * from "./crd.ts";
export * from "./schema.ts";
