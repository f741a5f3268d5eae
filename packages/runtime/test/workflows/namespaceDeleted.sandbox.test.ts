/**
 * A namespace deleted in the middle of a reconcile pass, on the real sandbox: right after the pass's StatefulSet
 * write the namespace is deleted, so the apiserver refuses every later create of that pass (403, cause
 * `NamespaceTerminating`). The pass stops there: no `ReconcileFailed` condition, no Warning Event, no retry, and
 * nothing is made again in the namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubePort } from "../../src/ports.ts";
import { reconcile } from "../../src/workflows/reconcile.ts";
import {
  actingAfterStatefulSet,
  applySeed,
  openSandboxPorts,
  type SandboxPorts,
  sleep,
} from "./sandboxPorts.ts";

const NS = "wf-namespace-deleted";
const KEY = { cluster: "sandbox", namespace: NS, name: "emqx" };
let ports: SandboxPorts;

/** Until the apiserver refuses new objects in `NS` (its namespace admission follows the deletion within moments). */
async function waitUntilRefusingCreates(): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const probe = await ports.sandbox.kubectl(["create", "configmap", `probe-${attempt}`, "-n", NS]);
    if (probe.code !== 0 && /being terminated/.test(probe.stderr)) return;
    await sleep(100);
  }
  throw new Error(`namespace ${NS} still accepts new objects 10 s after its deletion`);
}

/** The sandbox's gateway, deleting the namespace (as `kubectl delete namespace` would) right after the StatefulSet apply. */
function deletingNamespaceAfterStatefulSet(): { kube: KubePort; deleted: () => boolean } {
  const { kube, acted } = actingAfterStatefulSet(ports, async () => {
    const result = await ports.sandbox.kubectl(["delete", "namespace", NS, "--wait=false"]);
    expect(result.code).toBe(0);
    await waitUntilRefusingCreates();
  });
  return { kube, deleted: acted };
}

beforeAll(async () => {
  ports = await openSandboxPorts();
  await applySeed(ports, NS);
}, 120_000);

afterAll(async () => {
  await ports?.sandbox.kubectl(["delete", "namespace", NS, "--wait=false"]);
});

describe("a namespace deleted in the middle of a pass", () => {
  it("R7 the refused creates end the pass quietly: outcome deleting, no failure reported, no retry", {
    timeout: 120_000,
  }, async () => {
    const { kube, deleted } = deletingNamespaceAfterStatefulSet();

    const result = await reconcile({ ...ports.reconcileDeps, kube }, KEY);

    expect(deleted()).toBe(true);
    expect(result.outcome).toBe("deleting");
    expect(result.requeueAfterSeconds).toBeUndefined();
    const lines = ports.logger.lines;
    expect(lines.map((l) => l.message)).toContain("Stopped: the namespace is being deleted");
    expect(lines.filter((l) => l.level !== "info")).toEqual([]);
    // The PodDisruptionBudgets come after the sets in a pass: refused, so never made.
    const pdbs = await ports.sandbox.kubectl(["get", "poddisruptionbudgets", "-n", NS, "-o", "name"]);
    expect(pdbs.stdout.trim()).toBe("");
  });
});
