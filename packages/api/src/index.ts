export const PLACEHOLDER = "api";
