/**
 * What the CLI's `run` verb is built from, for programs that embed it (the end-to-end tests and benchmarks): the
 * structured logger, the embedded reconciler and the live status table. The CLI itself is `src/main.ts` (bin).
 */
export { type CliLogger, createLogger, type LogFormat, type LoggerOptions } from "./log.ts";
export { type ReconcilerOptions, type RunningReconciler, startReconciler } from "./reconciler.ts";
export { StatusBoard } from "./statusBoard.ts";
