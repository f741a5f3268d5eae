/**
 * Restarting kube-apiserver of a running sandbox (what the chaos suite's `apiserver-restart` op does): a new
 * process with the same command line, recorded in state.json (so the sandbox still counts as running and
 * `sandbox down` stops it), serving the objects etcd kept.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findSandbox,
  restartSandboxProcess,
  type Sandbox,
  SandboxError,
  startSandbox,
  stopSandbox,
} from "../src/index.ts";
import { sandboxDir } from "../src/paths.ts";
import { readState } from "../src/state.ts";

const name = `restart-${process.pid}`;
let sandbox: Sandbox;

async function apiserverPid(): Promise<number | undefined> {
  return (await readState(sandboxDir(name)))?.processes.find((p) => p.name === "kube-apiserver")?.pid;
}

beforeAll(async () => {
  sandbox = await startSandbox({ name, nodes: 1, emulator: false, podStartDelayMs: 0, onProgress: () => {} });
}, 300_000);

afterAll(async () => {
  await stopSandbox(name);
});

describe("restartSandboxProcess", () => {
  it("restarts kube-apiserver, records the new pid, and serves what etcd kept", {
    timeout: 180_000,
  }, async () => {
    const created = await sandbox.kubectl(["create", "configmap", "kept", "--from-literal=k=v"]);
    expect(created.code).toBe(0);
    const before = await apiserverPid();

    await restartSandboxProcess(name, "kube-apiserver");

    const after = await apiserverPid();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    let ready = "";
    for (let attempt = 0; attempt < 240 && ready !== "ok"; attempt++) {
      ready = (await sandbox.kubectl(["get", "--raw", "/readyz"])).stdout.trim();
      if (ready !== "ok") await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(ready).toBe("ok");
    const kept = await sandbox.kubectl(["get", "configmap", "kept", "-o", "jsonpath={.data.k}"]);
    expect(kept.stdout).toBe("v");
    expect((await findSandbox(name))?.name).toBe(name);
  });

  it("refuses a process the sandbox does not have", async () => {
    await expect(restartSandboxProcess(name, "kube-proxy")).rejects.toThrow(SandboxError);
    await expect(restartSandboxProcess(name, "kube-proxy")).rejects.toThrow(/has no running kube-proxy/);
  });
});
