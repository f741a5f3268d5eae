/** Public API of the sandbox: build the binaries, start, find, inspect and stop named sandboxes. Dev/test only. */
export {
  type BinaryName,
  type BinaryPaths,
  type EnsureBinariesOptions,
  ensureBinaries,
  KUBERNETES_VERSION,
} from "./build.ts";
export { generateCa, generateServingCertificate, type PemPair } from "./certs.ts";
export { sandboxKubeConfig } from "./clientNode.ts";
export { SandboxError } from "./errors.ts";
export { type StartSandboxOptions, startSandbox } from "./launcher.ts";
export { restartSandboxProcess } from "./restart.ts";
export {
  findSandbox,
  type KubectlResult,
  type ProcessStatus,
  type Sandbox,
  type SandboxStatus,
  type StopSandboxOptions,
  sandboxStatus,
  stopSandbox,
} from "./sandboxes.ts";
export { CRASH_LOOP_IMAGE_HOST, UNPULLABLE_IMAGE_HOST } from "./stages.ts";
export { TestSandboxEnv, useTestSandbox } from "./testing.ts";
