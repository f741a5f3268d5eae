/**
 * `emqx-reconciler run --sandbox` as a user runs it, against the test run's sandbox: the seed example reaches
 * Ready, the output is JSON lines without any Secret value, and SIGINT stops it cleanly with exit code 0.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { KubeGateway, type KubeObject, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { CRD_NAME, renderCrd } from "@emqx-reconciler/api";
import { type Sandbox, useTestSandbox } from "@emqx-reconciler/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const MAIN = join(ROOT, "packages", "cli", "src", "main.ts");
const SEED = join(ROOT, "examples", "emqx-core-replicant.yaml");
const NAMESPACE = `cli-run-${process.pid}`;

let sandbox: Sandbox;
let gateway: KubeGateway;
let child: ChildProcess | undefined;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function phaseOf(cr: KubeObject | undefined): string | undefined {
  const conditions = (cr?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)
    ?.conditions;
  return conditions?.find((c) => c.status === "True")?.type;
}

beforeAll(async () => {
  sandbox = await useTestSandbox();
  gateway = new KubeGateway({ kubeConfig: loadKubeconfigFile(sandbox.kubeconfigPath) });
  await gateway.apply(renderCrd() as KubeObject);
  await until("the EMQX CRD to be established", async () => {
    const crd = await gateway.get("CustomResourceDefinition", undefined, CRD_NAME);
    const conditions = (crd?.status as { conditions?: Array<{ type: string; status: string }> })?.conditions;
    return conditions?.some((c) => c.type === "Established" && c.status === "True") ? true : undefined;
  });
  await gateway.createIfAbsent({ apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } });
});

afterAll(() => {
  if (child?.exitCode === null) child.kill("SIGKILL");
});

describe("emqx-reconciler run --sandbox", () => {
  it("takes the seed example to Ready, logs JSON lines without secrets, and stops cleanly on SIGINT", async () => {
    const applied = await sandbox.kubectl(["apply", "-n", NAMESPACE, "-f", SEED]);
    expect(applied.code).toBe(0);
    const args = [MAIN, "run", "--sandbox", sandbox.name, "--namespace", NAMESPACE, "--cluster-id", "test"];
    const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));

    await until("Ready", async () =>
      phaseOf(await gateway.getEmqx(NAMESPACE, "emqx")) === "Ready" ? true : undefined,
    );
    await until("this process to have reconciled it", async () =>
      stdout.includes('"msg":"Reconciled EMQX"') ? true : undefined,
    );
    proc.kill("SIGINT");
    expect(await exited).toBe(0);

    const lines = stdout.trimEnd().split("\n");
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const r of records) expect(Object.keys(r).slice(0, 3)).toEqual(["time", "level", "msg"]);
    expect(
      records.some((r) => r.msg === "Reconciled EMQX" && r.cluster === "test" && r.name === "emqx"),
    ).toBe(true);
    expect(records.at(-1)).toMatchObject({ msg: "Stopped", drained: true });
    expect(records.every((r) => r.namespace === undefined || r.namespace === NAMESPACE)).toBe(true);
    expect(stderr).toBe("reconciler stopped: every running reconcile finished\n");

    const secret = async (name: string, key: string) => {
      const data = (await gateway.get("Secret", NAMESPACE, name))?.data as Record<string, string>;
      return Buffer.from(data[key] ?? "", "base64").toString();
    };
    const password = (await secret("emqx-bootstrap-api-key", "bootstrap_api_key")).split(":").at(-1) ?? "";
    const cookie = await secret("emqx-node-cookie", "node_cookie");
    expect(password).toHaveLength(64);
    expect(cookie.length).toBeGreaterThan(0);
    expect(stdout + stderr).not.toContain(password);
    expect(stdout + stderr).not.toContain(cookie);
  }, 180_000);

  it("fails with one line when the named sandbox is not running", async () => {
    const failure = await promisify(execFile)(process.execPath, [
      MAIN,
      "run",
      "--sandbox",
      "no-such-sandbox",
    ]).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({
      code: 1,
      stderr:
        "emqx-reconciler: no sandbox 'no-such-sandbox' is running; start one with 'npx emqx-reconciler sandbox up' (or use npm start)\n",
    });
  });

  it.each([
    ["--workers", "0", "run: --workers must be a whole number from 1 to 9999, got '0'"],
    [
      "--emqx-endpoint",
      "ftp://x",
      "run: --emqx-endpoint must be pod-ip, service or an http(s) URL, got 'ftp://x'",
    ],
    [
      "--pod-policy",
      "lax",
      "run: --pod-policy must be open or restricted (got 'lax'), --allow-service-account a non-empty name",
    ],
    ["--secret-refs", "all", "run: --secret-refs must be annotated or any, got 'all'"],
  ])(
    "rejects %s %s with one line and exit code 2, before touching any cluster",
    async (flag, value, message) => {
      const failure = await promisify(execFile)(process.execPath, [MAIN, "run", flag, value]).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure).toMatchObject({ code: 2, stderr: `emqx-reconciler: ${message}\n` });
    },
  );
});
