/**
 * `emqx-reconciler status` as a user runs it against a kubeconfig with two contexts (both the sandbox, standing
 * for two clusters): one row per CR per context, the stuck CR's reason, and the filters and formats.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ConditionType } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  hasCondition,
  kubectl,
  openTestbed,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

const MAIN = join(import.meta.dirname, "..", "..", "packages", "cli", "src", "main.ts");

function coreOnly(name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name },
    spec: { image: "emqx/emqx:5.8.6", coreTemplate: { spec: { replicas: 1, ...extra } } },
  };
}

/** The sandbox's kubeconfig with its one context copied as `alpha` and `beta`. */
function twoContexts(path: string): string {
  const doc = parse(readFileSync(path, "utf8")) as {
    contexts: Array<{ name: string; context: object }>;
    "current-context": string;
  };
  const context = doc.contexts[0]?.context ?? {};
  doc.contexts = [
    { name: "alpha", context },
    { name: "beta", context },
  ];
  doc["current-context"] = "alpha";
  const file = join(mkdtempSync(join(tmpdir(), "fleet-status-")), "kubeconfig");
  writeFileSync(file, stringify(doc));
  return file;
}

async function status(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MAIN, "status", ...args]);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

interface Row {
  cluster: string;
  namespace: string;
  name: string;
  phase: string;
  cores: { ready: number; desired: number };
  version: string;
  revision: string;
  reason?: string;
}

describe("emqx-reconciler status", () => {
  let testbed: Testbed;
  let ns: string;
  let embedded: EmbeddedReconciler | undefined;
  let kubeconfig: string;

  beforeAll(async () => {
    testbed = await openTestbed();
    ns = await freshNamespace(testbed, "e2e-fleet");
    kubeconfig = twoContexts(testbed.sandbox.kubeconfigPath);
    embedded = await startEmbedded(testbed, ns);
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], JSON.stringify(coreOnly("good")));
    const stuck = coreOnly("stuck", { nodeSelector: { "sandbox.invalid/no-such-node": "yes" } });
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], JSON.stringify(stuck));
    await waitFor("good Ready", async () =>
      hasCondition(await readCr(testbed, ns, "good"), ConditionType.Ready) ? true : undefined,
    );
    await waitFor("PodsNotReady on stuck", async () =>
      hasCondition(await readCr(testbed, ns, "stuck"), ConditionType.PodsNotReady) ? true : undefined,
    );
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    await closeTestbed(testbed, ns);
  });

  it("lists every CR of every context, with the reason a CR is not Ready", { timeout: 30_000 }, async () => {
    const result = await status("--kubeconfig", kubeconfig, "--namespace", ns, "-o", "json");
    expect(result.code).toBe(0);
    const { items, errors } = JSON.parse(result.stdout) as { items: Row[]; errors: unknown[] };
    expect(errors).toEqual([]);
    expect(items.map((r) => `${r.cluster} ${r.name} ${r.phase}`)).toEqual([
      "alpha good Ready",
      "alpha stuck CoreNodesProgressing",
      "beta good Ready",
      "beta stuck CoreNodesProgressing",
    ]);
    const good = items[0] as Row;
    expect(good).toMatchObject({ namespace: ns, cores: { ready: 1, desired: 1 }, version: "5.8.6" });
    expect(good.revision).toMatch(/^[a-z0-9]{10}$/);
    expect(good.reason).toBeUndefined();
    expect(items[1]?.reason).toMatch(
      /^PodsNotReady: 1 pod not ready: Unschedulable: stuck-core-[a-z0-9]+-0: 0\//,
    );
  });

  it("keeps only CRs that are not Ready with --not-ready, in a table", { timeout: 30_000 }, async () => {
    const result = await status(
      "--kubeconfig",
      kubeconfig,
      "--context",
      "beta",
      "--namespace",
      ns,
      "--not-ready",
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^CLUSTER\s+NAMESPACE\/NAME\s+PHASE\s+CORES\s+REPLICANTS\s+VERSION\s+REVISION/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      new RegExp(
        `^beta\\s+${ns}/stuck\\s+CoreNodesProgressing\\s+0/1\\s+-\\s+5\\.8\\.6\\s+\\S+\\s+\\S+\\s+PodsNotReady: `,
      ),
    );
  });

  it("prints YAML, and names a cluster it cannot reach without failing the others", {
    timeout: 30_000,
  }, async () => {
    const doc = parse(readFileSync(kubeconfig, "utf8")) as {
      clusters: Array<{ name: string; cluster: { server: string } }>;
      contexts: Array<{ name: string; context: { cluster: string } }>;
    };
    const first = doc.clusters[0];
    if (!first) throw new Error("the sandbox kubeconfig names no cluster");
    doc.clusters.push({ name: "gone", cluster: { ...first.cluster, server: "https://127.0.0.1:1" } });
    doc.contexts.push({
      name: "gone",
      context: { ...(doc.contexts[0]?.context ?? { cluster: "" }), cluster: "gone" },
    });
    const file = join(mkdtempSync(join(tmpdir(), "fleet-status-")), "kubeconfig");
    writeFileSync(file, stringify(doc));
    const result = await status("--kubeconfig", file, "--namespace", ns, "-o", "yaml");
    expect(result.code).toBe(1);
    const out = parse(result.stdout) as { items: Row[]; errors: Array<{ cluster: string }> };
    expect(out.items).toHaveLength(4);
    expect(out.errors.map((e) => e.cluster)).toEqual(["gone"]);
  });
});
