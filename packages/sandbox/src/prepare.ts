/**
 * Reserving a sandbox before any process starts: its folder (cleaning a stale one), certificates, free ports, a
 * loopback pod range no live sandbox uses, an etcd data folder, and the first state.json. Callers hold the
 * allocation lock, so two sandboxes starting at once never pick the same pod range.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateCertificates } from "./certs.ts";
import type { SandboxLayout } from "./components.ts";
import { SandboxError } from "./errors.ts";
import { sandboxDir, stateRoot } from "./paths.ts";
import { allocatePorts } from "./ports.ts";
import { isPidAlive } from "./processes.ts";
import { listSandboxStates, removeSandboxFiles } from "./sandboxes.ts";
import { healthOf, readState, type SandboxState, stateFile, writeState } from "./state.ts";

/** What {@link prepareSandbox} needs. */
export interface PrepareInput {
  name: string;
  binDir: string;
  nodes: number;
  podStartDelayMs: number;
  ownerPid: number | undefined;
}

/** The lowest 127.N.0.0/16 (N ≥ 1) no live sandbox uses, so emulators of two sandboxes never share a pod IP. */
async function choosePodCidr(): Promise<string> {
  const live = await listSandboxStates();
  const used = new Set(live.filter((s) => healthOf(s) !== "stale").map((s) => s.podCidr));
  for (let octet = 1; octet < 255; octet++)
    if (!used.has(`127.${octet}.0.0/16`)) return `127.${octet}.0.0/16`;
  throw new SandboxError("no free loopback range left for pod IPs (254 sandboxes running?)");
}

/**
 * Stops and deletes test-run sandboxes whose owner process is gone (a test run killed before its teardown), and
 * the logs earlier test runs left (`test-*` folders without state), so they do not pile up. Sandboxes started by
 * `sandbox up` have no owner and are never swept.
 */
export async function sweepOrphans(progress: (line: string) => void): Promise<void> {
  const folders = await readdir(stateRoot()).catch(() => [] as string[]);
  for (const folder of folders.filter((f) => f.startsWith("test-"))) {
    const dir = join(stateRoot(), folder);
    if (!existsSync(stateFile(dir))) await rm(dir, { recursive: true, force: true });
  }
  for (const state of await listSandboxStates()) {
    if (state.ownerPid === undefined || isPidAlive(state.ownerPid)) continue;
    progress(`cleaning up sandbox '${state.name}': its test run (pid ${state.ownerPid}) is gone`);
    await removeSandboxFiles(state.dir, state);
    await rm(state.dir, { recursive: true, force: true });
  }
}

/** Reserves everything for a new sandbox and writes its first state.json (not ready, no processes yet). */
export async function prepareSandbox(
  input: PrepareInput,
): Promise<{ state: SandboxState; layout: SandboxLayout }> {
  const { name } = input;
  const dir = sandboxDir(name);
  const existing = await readState(dir);
  const health = existing && healthOf(existing);
  if (health === "running" || health === "starting")
    throw new SandboxError(
      `sandbox '${name}' is already ${health}; stop it first with 'emqx-reconciler sandbox down --name ${name}'`,
    );
  await removeSandboxFiles(dir, existing);
  await rm(join(dir, "logs"), { recursive: true, force: true });
  await mkdir(join(dir, "logs"), { recursive: true });
  const [certs, [etcdClient, etcdPeer, apiserver], podCidr, etcdDataDir] = await Promise.all([
    generateCertificates(dir),
    allocatePorts(3),
    choosePodCidr(),
    mkdtemp(join(tmpdir(), `emqx-sandbox-${name}-etcd-`)),
  ]);
  const ports = {
    etcdClient: etcdClient as number,
    etcdPeer: etcdPeer as number,
    apiserver: apiserver as number,
  };
  const layout: SandboxLayout = {
    certs,
    kubeconfigPath: join(dir, "kubeconfig"),
    etcdDataDir,
    ports,
    podCidr,
    stagesFile: join(dir, "kwok-stages.yaml"),
  };
  const state: SandboxState = {
    name,
    createdAt: new Date().toISOString(),
    ready: false,
    startedBy: process.pid,
    ownerPid: input.ownerPid,
    dir,
    kubeconfigPath: layout.kubeconfigPath,
    apiserverUrl: `https://127.0.0.1:${ports.apiserver}`,
    ports,
    podCidr,
    binDir: input.binDir,
    etcdDataDir,
    podStartDelayMs: input.podStartDelayMs,
    nodes: input.nodes,
    processes: [],
  };
  await writeState(state);
  return { state, layout };
}
