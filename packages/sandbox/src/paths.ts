/** Where the sandbox keeps its files: the Go wrapper module and stages in the repo, binaries and state outside it. */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** Root of the `@emqx-reconciler/sandbox` package (this file lives in `src/`). */
export const PACKAGE_DIR = resolve(import.meta.dirname, "..");

/** The wrapper Go module that pins every control-plane binary. */
export const GO_MODULE_DIR = join(PACKAGE_DIR, "go");

/** Our own kwok Stage files (templates: the pod start delay is rendered in at start). */
export const STAGES_DIR = join(PACKAGE_DIR, "stages");

/** The EMQX API emulator entry, spawned as a child process when it exists. */
export const EMULATOR_ENTRY = join(PACKAGE_DIR, "src", "emulator", "main.ts");

/** `${XDG_CACHE_HOME:-~/.cache}/emqx-reconciler/sandbox`: built binaries, keyed by what produced them. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "emqx-reconciler", "sandbox");
}

/** `${XDG_STATE_HOME:-~/.local/state}/emqx-reconciler/sandbox`: one folder per named sandbox. */
export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "emqx-reconciler", "sandbox");
}

/** The folder of one named sandbox: state.json, certificates, kubeconfig, logs. */
export function sandboxDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(stateRoot(env), name);
}
