export * from "./EmqxApiClient.ts";
export * from "./endpoints.ts";
export * from "./errors.ts";
export * from "./schemas.ts";
export * from "./tls.ts";
export * from "./transport.ts";
