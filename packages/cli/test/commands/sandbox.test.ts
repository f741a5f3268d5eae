/** `emqx-reconciler sandbox` run as a user runs it, against the test run's sandbox. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Sandbox, useTestSandbox } from "@emqx-reconciler/sandbox";
import { beforeAll, describe, expect, it } from "vitest";

const MAIN = join(import.meta.dirname, "..", "..", "src", "main.ts");
let sandbox: Sandbox;

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MAIN, "sandbox", ...args]);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

beforeAll(async () => {
  sandbox = await useTestSandbox();
});

describe("emqx-reconciler sandbox", () => {
  it("kubeconfig prints only the path of the running sandbox's kubeconfig", async () => {
    const result = await cli("kubeconfig", "--name", sandbox.name);
    expect(result).toEqual({ stdout: `${sandbox.kubeconfigPath}\n`, stderr: "", code: 0 });
  });

  it("kubectl runs the sandbox's kubectl with its kubeconfig", async () => {
    const result = await cli("kubectl", "--name", sandbox.name, "--", "get", "nodes", "-o", "name");
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual([
      "node/sandbox-node-0",
      "node/sandbox-node-1",
      "node/sandbox-node-2",
    ]);
  });

  it("status lists the processes with pid and memory, the ports, and the nodes", async () => {
    const result = await cli("status", "--name", sandbox.name);
    expect(result.code).toBe(0);
    for (const process of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"])
      expect(result.stdout).toMatch(new RegExp(`^${process}\\s+\\d+\\s+yes\\s+\\d+ MiB$`, "m"));
    expect(result.stdout).toContain(sandbox.apiserverUrl);
    expect(result.stdout).toContain(sandbox.podCidr);
    expect(result.stdout).toMatch(/node\/sandbox-node-0\s+Ready/);
  });

  it("up on a running sandbox says so and changes nothing", async () => {
    const result = await cli("up", "--name", sandbox.name);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`sandbox '${sandbox.name}' is already running`);
    expect((await sandbox.kubectl(["get", "--raw", "/readyz"])).stdout).toBe("ok");
  });

  it("fault sets, lists and clears the emulator's switches, and rejects an unknown fault", {
    timeout: 90_000,
  }, async () => {
    const target = `cli-fault-${process.pid}/emqx`;
    const set = await cli("fault", "--name", sandbox.name, target, "slow", "--delay-ms", "1500");
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(target);
    expect((await cli("fault", "--name", sandbox.name, "list")).stdout).toMatch(/slow.*1500|1500.*slow/);
    const bad = await cli("fault", "--name", sandbox.name, target, "explode");
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")[0]).toMatch(/^emqx-reconciler: sandbox fault: .*explode/);
    expect((await cli("fault", "--name", sandbox.name, "clear")).code).toBe(0);
    expect((await cli("fault", "--name", sandbox.name, "list")).stdout).not.toContain(target);
  });

  it("fails with one readable line for an unknown sandbox or action", async () => {
    const missing = await cli("kubeconfig", "--name", "no-such-sandbox");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      "emqx-reconciler: no sandbox 'no-such-sandbox' is running; start one with 'emqx-reconciler sandbox up'\n",
    );
    const unknown = await cli("bogus");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("rejects a malformed option value, naming the option", async () => {
    const result = await cli("up", "--name", "cli-bad", "--nodes", "three");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("emqx-reconciler: --nodes: must be a whole number ≥ 0, got 'three'\n");
  });
});
