/**
 * Starts a named sandbox: etcd, kube-apiserver (waits for /readyz), nodes and StorageClass, kube-controller-manager,
 * kube-scheduler, kwok and the EMQX API emulator — then waits until nodes are Ready and controllers work.
 * state.json is rewritten after every process starts, so a crash or Ctrl-C half-way leaves nothing unrecorded;
 * any failure stops what was started.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createClusterObjects,
  waitFor,
  waitForClusterReady,
  waitForEtcd,
  waitForReadyz,
} from "./bootstrap.ts";
import { type BinaryPaths, ensureBinaries } from "./build.ts";
import { sandboxKubeConfig } from "./clientNode.ts";
import {
  buildApiserverArgs,
  buildControllerManagerArgs,
  buildEtcdArgs,
  buildKwokArgs,
  buildSchedulerArgs,
  type SandboxLayout,
} from "./components.ts";
import { SandboxError } from "./errors.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import { withFileLock } from "./lock.ts";
import { EMULATOR_ENTRY, stateRoot } from "./paths.ts";
import { prepareSandbox, sweepOrphans } from "./prepare.ts";
import { isRunning, logTail, type ProcessRecord, spawnDaemon } from "./processes.ts";
import { removeSandboxFiles, type Sandbox, toSandbox } from "./sandboxes.ts";
import { DEFAULT_POD_START_DELAY_MS, renderStages } from "./stages.ts";
import { type SandboxState, writeState } from "./state.ts";

/** Options for {@link startSandbox}. */
export interface StartSandboxOptions {
  /** Sandbox name (folder, kubeconfig context). @default "default" */
  name?: string;
  /** Number of kwok nodes. @default 3 */
  nodes?: number;
  /** Minimum pod start delay; each pod waits between this and 3× this. `0` starts pods at once. @default 1000 */
  podStartDelayMs?: number;
  /** Run the EMQX API emulator. @default true (when its entry exists) */
  emulator?: boolean;
  /** Progress lines. Defaults to stderr. */
  onProgress?: (line: string) => void;
  /** Ties the sandbox to a process (a test run): once that process is gone the sandbox counts as stale. */
  ownerPid?: number;
  /** Aborting (e.g. on Ctrl-C) stops what was started and rejects. */
  signal?: AbortSignal;
}

const NAME_RULE = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

function validate(options: StartSandboxOptions): { name: string; nodes: number; podStartDelayMs: number } {
  const name = options.name ?? "default";
  const nodes = options.nodes ?? 3;
  if (!NAME_RULE.test(name))
    throw new SandboxError(
      `name: must be 1-40 lowercase letters, digits or '-', starting and ending alphanumeric; got '${name}'`,
    );
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 50)
    throw new SandboxError(`nodes: must be a whole number from 1 to 50, got ${nodes}`);
  return { name, nodes, podStartDelayMs: options.podStartDelayMs ?? DEFAULT_POD_START_DELAY_MS };
}

/** Starts a new sandbox and resolves once it is usable. Builds the binaries first if needed. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const { name, nodes, podStartDelayMs } = validate(options);
  const report = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bins = await ensureBinaries({ onProgress: report });
  await mkdir(stateRoot(), { recursive: true });
  const started = Date.now();
  const progress = (line: string) => report(`[+${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
  const { state, layout } = await withFileLock(join(stateRoot(), ".allocate.lock"), async () => {
    await sweepOrphans(progress);
    return prepareSandbox({ name, binDir: bins.dir, nodes, podStartDelayMs, ownerPid: options.ownerPid });
  });
  try {
    await runStartSequence(state, layout, bins, { ...options, nodes, podStartDelayMs, progress });
    state.ready = true;
    await writeState(state);
    progress(
      `sandbox '${name}' ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${state.apiserverUrl}`,
    );
    return toSandbox(state);
  } catch (error) {
    progress(
      `sandbox '${name}' failed to start; stopping what was started (logs in ${join(state.dir, "logs")})`,
    );
    await removeSandboxFiles(state.dir, state);
    throw error;
  }
}

interface SequenceOptions extends StartSandboxOptions {
  nodes: number;
  podStartDelayMs: number;
  progress: (line: string) => void;
}

async function runStartSequence(
  state: SandboxState,
  layout: SandboxLayout,
  bins: BinaryPaths,
  options: SequenceOptions,
) {
  const { progress, signal } = options;
  const start = async (name: string, command: string, args: string[]): Promise<ProcessRecord> => {
    signal?.throwIfAborted();
    const record = await spawnDaemon({
      name,
      command,
      args,
      logFile: join(state.dir, "logs", `${name}.log`),
    });
    state.processes.push(record);
    await writeState(state);
    return record;
  };
  const alive = () => {
    signal?.throwIfAborted();
    const dead = state.processes.find((p) => !isRunning(p));
    if (dead)
      throw new SandboxError(
        `${dead.name} exited during start; ${dead.logFile} ends with:\n${logTail(dead.logFile)}`,
      );
  };

  progress(`starting etcd and kube-apiserver on ${state.apiserverUrl}`);
  await start("etcd", bins.bin.etcd, buildEtcdArgs(layout));
  await waitForEtcd(`http://127.0.0.1:${layout.ports.etcdClient}`, alive);
  await start("kube-apiserver", bins.bin["kube-apiserver"], buildApiserverArgs(layout));
  await writeKubeconfig(layout.kubeconfigPath, {
    name: state.name,
    apiserverUrl: state.apiserverUrl,
    certificates: layout.certs,
  });
  const [ca, cert, key] = await Promise.all(
    [layout.certs.caCert, layout.certs.adminCert, layout.certs.adminKey].map((f) => readFile(f)),
  );
  await waitForReadyz(
    state.apiserverUrl,
    { ca: ca as Buffer, cert: cert as Buffer, key: key as Buffer },
    alive,
  );
  const kubeConfig = await sandboxKubeConfig(layout.kubeconfigPath);
  progress(`kube-apiserver ready; creating ${options.nodes} nodes, starting controllers, scheduler and kwok`);
  await createClusterObjects(kubeConfig, options.nodes);
  await renderStages(layout.stagesFile, options.podStartDelayMs);
  await start(
    "kube-controller-manager",
    bins.bin["kube-controller-manager"],
    buildControllerManagerArgs(layout),
  );
  await start("kube-scheduler", bins.bin["kube-scheduler"], buildSchedulerArgs(layout));
  await start("kwok", bins.bin.kwok, buildKwokArgs(layout));
  if (options.emulator !== false && existsSync(EMULATOR_ENTRY)) {
    const args = [EMULATOR_ENTRY, "--kubeconfig", layout.kubeconfigPath, "--state-dir", state.dir];
    await start("emulator", process.execPath, args);
  }
  await waitForClusterReady(kubeConfig, options.nodes, alive);
  if (state.processes.some((p) => p.name === "emulator")) {
    progress("nodes Ready and controllers working; waiting for the EMQX API emulator");
    state.emulatorAdminUrl = await waitForEmulator(state.dir, alive);
  }
}

async function waitForEmulator(dir: string, alive: () => void): Promise<string> {
  let adminUrl: string | undefined;
  await waitFor(
    "the EMQX API emulator to write emulator.json",
    async () => {
      const parsed = JSON.parse(await readFile(join(dir, "emulator.json"), "utf8")) as { adminUrl?: unknown };
      adminUrl = typeof parsed.adminUrl === "string" ? parsed.adminUrl : undefined;
      return adminUrl !== undefined;
    },
    { timeoutMs: 30_000, alive },
  );
  return adminUrl as string;
}
