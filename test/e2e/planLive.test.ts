/**
 * `plan --live` as a user runs it (a real CLI process) against the sandbox: exit 0 on a converged CR, 2 with the
 * field paths of a pending change (from the apiserver's dry run), a new set for a changed template from a file,
 * 1 for a CR that does not exist; and nothing on the cluster changes while it plans.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  childVersions,
  closeTestbed,
  freshNamespace,
  kubectl,
  openTestbed,
  readCr,
  type Testbed,
} from "./support/testbed.ts";

const MAIN = join(import.meta.dirname, "..", "..", "packages", "cli", "src", "main.ts");
const SHAPE = { cores: 1, replicants: 1 };

function smallCr(image = "emqx/emqx:5.8.6") {
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name: "emqx" },
    spec: {
      image,
      coreTemplate: { spec: { replicas: SHAPE.cores } },
      replicantTemplate: { spec: { replicas: SHAPE.replicants } },
    },
  };
}

async function planLive(testbed: Testbed, ...args: string[]) {
  const base = [MAIN, "plan", "--live", "--kubeconfig", testbed.sandbox.kubeconfigPath];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...base, ...args]);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe("plan --live", () => {
  let testbed: Testbed;
  let ns: string;
  let embedded: EmbeddedReconciler | undefined;

  beforeAll(async () => {
    testbed = await openTestbed();
    ns = await freshNamespace(testbed, "e2e-planlive");
    embedded = await startEmbedded(testbed, ns);
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], JSON.stringify(smallCr()));
    await waitForShape(testbed, ns, SHAPE, "emqx", 90_000);
    await embedded.settle();
    await embedded.stop();
    embedded = undefined;
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    await closeTestbed(testbed, ns);
  });

  it("exits 0 on a converged CR", { timeout: 30_000 }, async () => {
    const result = await planLive(testbed, "--name", `${ns}/emqx`);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(`${ns}/emqx: converged, a reconcile now writes nothing\n`);
    expect(result.code).toBe(0);
  });

  it("exits 2 naming the fields a pending change would write, and writes nothing", {
    timeout: 30_000,
  }, async () => {
    await kubectl(testbed, [
      "patch",
      "emqx",
      "emqx",
      "-n",
      ns,
      "--type=merge",
      "-p",
      JSON.stringify({ spec: { coreTemplate: { spec: { replicas: 2 } } } }),
    ]);
    const before = { children: await childVersions(testbed, ns), cr: (await readCr(testbed, ns))?.metadata };
    const result = await planLive(testbed, "--name", `${ns}/emqx`, "-o", "json");
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as {
      converged: boolean;
      objects: Array<{ action: string; kind: string; name: string; fields: Array<{ path: string }> }>;
    };
    expect(report.converged).toBe(false);
    const set = report.objects.find((o) => o.kind === "StatefulSet");
    expect(set).toMatchObject({ action: "update", fields: [{ path: "spec.replicas", before: 1, after: 2 }] });
    expect(set?.name).toMatch(/^emqx-core-[a-z0-9]+$/);
    expect(
      report.objects.filter((o) => o.kind !== "StatefulSet" && o.kind !== "PodDisruptionBudget"),
    ).toEqual([]);
    const text = await planLive(testbed, "--name", `${ns}/emqx`);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(`~ update StatefulSet ${set?.name}\n    spec.replicas: 1 → 2\n`);
    expect(await childVersions(testbed, ns)).toEqual(before.children);
    expect((await readCr(testbed, ns))?.metadata?.resourceVersion).toBe(before.cr?.resourceVersion);
  });

  it("plans a CR from a file against the stored one: a new template is a new set", {
    timeout: 30_000,
  }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), "plan-live-")), "cr.yaml");
    const cr = smallCr("emqx/emqx:5.8.7");
    writeFileSync(file, JSON.stringify({ ...cr, metadata: { name: "emqx", namespace: ns } }));
    const result = await planLive(testbed, "-f", file);
    expect(result.code).toBe(2);
    const [, specBlock = ""] = /\n~ update EMQX emqx\n((?: {4}.*\n)+)/.exec(result.stdout) ?? [];
    expect(specBlock.trimEnd().split("\n")).toEqual([
      "    spec.coreTemplate.spec.replicas: 2 → 1",
      '    spec.image: "emqx/emqx:5.8.6" → "emqx/emqx:5.8.7"',
    ]);
    expect(result.stdout).toContain("    status.conditions[Ready]: ");
    expect(result.stdout).toMatch(/\n\+ create StatefulSet emqx-core-[a-z0-9]+\n/);
  });

  it("exits 1 for a CR that does not exist", { timeout: 30_000 }, async () => {
    const result = await planLive(testbed, "--name", `${ns}/absent`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`EMQX ${ns}/absent not found`);
  });
});
