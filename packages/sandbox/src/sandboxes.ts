/**
 * Finding, inspecting and stopping named sandboxes through their state.json — from any process, not only the
 * one that started them.
 */
import { spawn } from "node:child_process";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { SandboxError } from "./errors.ts";
import { sandboxDir, stateRoot } from "./paths.ts";
import { isRunning, type ProcessRecord, residentBytes, stopProcess } from "./processes.ts";
import { healthOf, readState, type SandboxHealth, type SandboxState } from "./state.ts";

/** The order processes stop in: the apiserver's clients first, the apiserver, etcd last (an apiserver without its etcd hangs on SIGTERM). */
export const STOP_ORDER = [
  "kwok",
  "emulator",
  "kube-scheduler",
  "kube-controller-manager",
  "kube-apiserver",
  "etcd",
];

/** What `kubectl` printed and how it exited. */
export interface KubectlResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** A running sandbox, as handed to users and tests. */
export interface Sandbox {
  name: string;
  /**
   * The admin kubeconfig (certificates embedded). Product code loads it with its own loader
   * (`loadKubeconfigFile`); the sandbox's tests may use `sandboxKubeConfig(path)` for a client-node one.
   */
  kubeconfigPath: string;
  /** The sandbox's own folder (state.json, certificates, kubeconfig, logs/, emulator.json). */
  stateDir: string;
  apiserverUrl: string;
  /** Loopback range the pod IPs come from (`127.N.0.0/16`, unique among live sandboxes). */
  podCidr: string;
  /** The sandbox's own kubectl binary (same version as the apiserver). */
  kubectlPath: string;
  /** Admin URL of the EMQX API emulator (fault switches), when it runs. */
  emulatorAdminUrl: string | undefined;
  /** Runs the sandbox's own kubectl with its kubeconfig; `input` goes to stdin (e.g. for `apply -f -`). */
  kubectl(args: string[], options?: { input?: string }): Promise<KubectlResult>;
  /** Stops every process of the sandbox and removes its files (logs stay). */
  stop(): Promise<void>;
}

/** Runs kubectl against a sandbox. */
export function runKubectl(state: SandboxState, args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(state.binDir, "kubectl"), ["--kubeconfig", state.kubeconfigPath, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", (error) =>
      reject(new SandboxError(`could not run kubectl: ${error.message}`, { cause: error })),
    );
    child.once("close", (code) => resolve({ stdout, stderr, code: code ?? 1 }));
    child.stdin.end(input ?? "");
  });
}

/** The handle of a running sandbox, built from its state. */
export function toSandbox(state: SandboxState): Sandbox {
  return {
    name: state.name,
    kubeconfigPath: state.kubeconfigPath,
    stateDir: state.dir,
    apiserverUrl: state.apiserverUrl,
    podCidr: state.podCidr,
    kubectlPath: join(state.binDir, "kubectl"),
    emulatorAdminUrl: state.emulatorAdminUrl,
    kubectl: (args, options) => runKubectl(state, args, options?.input),
    stop: async () => {
      await stopSandbox(state.name);
    },
  };
}

/** Stops recorded processes in {@link STOP_ORDER}, each with SIGTERM, a grace period, then SIGKILL. */
export async function stopProcesses(processes: ProcessRecord[]): Promise<void> {
  const rank = (p: ProcessRecord) => STOP_ORDER.indexOf(p.name);
  for (const record of [...processes].sort((a, b) => rank(a) - rank(b))) await stopProcess(record);
}

/** Stops what a sandbox folder records and deletes the folder, keeping `logs/` for a post-mortem. */
export async function removeSandboxFiles(dir: string, state: SandboxState | undefined): Promise<void> {
  if (state) {
    await stopProcesses(state.processes);
    await rm(state.etcdDataDir, { recursive: true, force: true });
  }
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    entries.filter((e) => e !== "logs").map((e) => rm(join(dir, e), { recursive: true, force: true })),
  );
}

/** The running sandbox of that name, or undefined (none, still starting, or stale). */
export async function findSandbox(name = "default"): Promise<Sandbox | undefined> {
  const state = await readState(sandboxDir(name));
  return state && healthOf(state) === "running" ? toSandbox(state) : undefined;
}

/** Options for {@link stopSandbox}. */
export interface StopSandboxOptions {
  /** Keep the sandbox's `logs/` folder for a post-mortem. @default true */
  keepLogs?: boolean;
}

/**
 * Stops a sandbox by name: every process it started, by pid, in order; then removes its files. Resolves to
 * whether there was a sandbox of that name.
 */
export async function stopSandbox(name = "default", options: StopSandboxOptions = {}): Promise<boolean> {
  const dir = sandboxDir(name);
  const state = await readState(dir);
  await removeSandboxFiles(dir, state);
  if (options.keepLogs === false) await rm(dir, { recursive: true, force: true });
  return state !== undefined;
}

/** One process of a sandbox, as `status` shows it. */
export interface ProcessStatus extends ProcessRecord {
  alive: boolean;
  rssBytes: number | undefined;
}

/** What `sandbox status` reports. */
export interface SandboxStatus {
  name: string;
  health: SandboxHealth;
  state: SandboxState;
  processes: ProcessStatus[];
  /** Sum of the resident memory of the live processes. */
  totalRssBytes: number;
}

/** The status of a named sandbox, or undefined when there is no state for that name. */
export async function sandboxStatus(name = "default"): Promise<SandboxStatus | undefined> {
  const state = await readState(sandboxDir(name));
  if (!state) return undefined;
  const processes = state.processes.map((p) => {
    const alive = isRunning(p);
    return { ...p, alive, rssBytes: alive ? residentBytes(p.pid) : undefined };
  });
  const totalRssBytes = processes.reduce((sum, p) => sum + (p.rssBytes ?? 0), 0);
  return { name, health: healthOf(state), state, processes, totalRssBytes };
}

/** Every sandbox folder with a readable state, healthy or not. */
export async function listSandboxStates(): Promise<SandboxState[]> {
  const entries = await readdir(stateRoot(), { withFileTypes: true }).catch(() => []);
  const states = await Promise.all(
    entries.filter((e) => e.isDirectory()).map((e) => readState(join(stateRoot(), e.name))),
  );
  return states.filter((s): s is SandboxState => s !== undefined);
}
