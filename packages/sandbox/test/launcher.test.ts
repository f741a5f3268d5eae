/**
 * A second named sandbox beside the test run's own: it replaces a stale folder of the same name (stopping the
 * orphan process recorded there), gets its own ports and pod range, and stops every process it started.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findSandbox,
  type Sandbox,
  SandboxError,
  sandboxStatus,
  startSandbox,
  stopSandbox,
  TestSandboxEnv,
  useTestSandbox,
} from "../src/index.ts";
import { sandboxDir } from "../src/paths.ts";
import { isRunning, type ProcessRecord, spawnDaemon } from "../src/processes.ts";
import { type SandboxState, writeState } from "../src/state.ts";

const name = `side-${process.pid}`;
let shared: Sandbox;
let second: Sandbox;
let orphan: ProcessRecord;
let staleEtcdDir: string;

/** A pid that just exited: what a crashed start leaves in `startedBy`. */
function deadPid(): number {
  return spawnSync("true").pid as number;
}

async function writeStaleFolder(): Promise<void> {
  const dir = sandboxDir(name);
  await mkdir(join(dir, "logs"), { recursive: true });
  staleEtcdDir = await mkdtemp(join(tmpdir(), "emqx-sandbox-stale-etcd-"));
  orphan = await spawnDaemon({
    name: "kwok",
    command: "sleep",
    args: ["300"],
    logFile: join(dir, "logs", "kwok.log"),
  });
  const state: SandboxState = {
    name,
    createdAt: new Date().toISOString(),
    ready: false,
    startedBy: deadPid(),
    dir,
    kubeconfigPath: join(dir, "kubeconfig"),
    apiserverUrl: "https://127.0.0.1:1",
    ports: { etcdClient: 1, etcdPeer: 2, apiserver: 3 },
    podCidr: "127.254.0.0/16",
    binDir: dir,
    etcdDataDir: staleEtcdDir,
    podStartDelayMs: 0,
    nodes: 1,
    processes: [orphan],
  };
  await writeState(state);
}

beforeAll(async () => {
  shared = await useTestSandbox();
  await writeStaleFolder();
});

afterAll(async () => {
  await stopSandbox(name, { keepLogs: false });
});

describe("a stale sandbox folder (its start crashed, one process still running)", () => {
  it("is reported stale and not found as running", async () => {
    expect((await sandboxStatus(name))?.health).toBe("stale");
    expect(await findSandbox(name)).toBeUndefined();
  });

  it("is cleaned up by the next start of that name, which stops the orphan", async () => {
    const owner = Number(process.env[TestSandboxEnv.ownerPid]) || undefined;
    second = await startSandbox({ name, nodes: 1, podStartDelayMs: 0, emulator: false, ownerPid: owner });
    expect(isRunning(orphan)).toBe(false);
    expect(existsSync(staleEtcdDir)).toBe(false);
    expect((await sandboxStatus(name))?.health).toBe("running");
  });
});

describe("two sandboxes side by side", () => {
  it("use their own ports, pod ranges and nodes", async () => {
    expect(second.apiserverUrl).not.toBe(shared.apiserverUrl);
    expect(second.podCidr).not.toBe(shared.podCidr);
    const nodes = await second.kubectl(["get", "nodes", "-o", "name"]);
    expect(nodes.stdout.trim().split("\n")).toEqual(["node/sandbox-node-0"]);
    const sharedNodes = await shared.kubectl(["get", "nodes", "-o", "name"]);
    expect(sharedNodes.stdout.trim().split("\n")).toHaveLength(3);
  });

  it("refuse a second start under a running name", async () => {
    await expect(startSandbox({ name, emulator: false })).rejects.toThrow(SandboxError);
    await expect(startSandbox({ name, emulator: false })).rejects.toThrow(/already running/);
  });

  it("reject a bad name or node count, naming the field", async () => {
    await expect(startSandbox({ name: "Bad Name" })).rejects.toThrow(/^name: /);
    await expect(startSandbox({ name: "ok", nodes: 0 })).rejects.toThrow(/^nodes: /);
  });

  it("stop every process of one without touching the other", async () => {
    const status = await sandboxStatus(name);
    const processes = status?.processes ?? [];
    expect(processes.map((p) => p.name)).toEqual([
      "etcd",
      "kube-apiserver",
      "kube-controller-manager",
      "kube-scheduler",
      "kwok",
    ]);
    expect(processes.every((p) => p.alive && (p.rssBytes ?? 0) > 0)).toBe(true);
    await second.stop();
    expect(processes.some(isRunning)).toBe(false);
    expect(existsSync(status?.state.etcdDataDir as string)).toBe(false);
    expect(await findSandbox(name)).toBeUndefined();
    expect((await shared.kubectl(["get", "--raw", "/readyz"])).stdout).toBe("ok");
  });
});
