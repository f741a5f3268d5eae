/**
 * A CR deleted in the middle of a reconcile pass, on the real sandbox: the CR is deleted right after the pass's
 * StatefulSet write, so every later write of that pass meets a CR that is gone. The pass ends without a hot retry,
 * the next pass finds nothing to do, and the garbage collector removes every child the pass wrote.
 */
import { OWNED_KINDS } from "@emqx-reconciler/adapters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubePort } from "../../src/ports.ts";
import { reconcile } from "../../src/workflows/reconcile.ts";
import {
  actingAfterStatefulSet,
  applySeed,
  openSandboxPorts,
  type SandboxPorts,
  waitFor,
} from "./sandboxPorts.ts";

const NS = "wf-deleted-mid-pass";
const KEY = { cluster: "sandbox", namespace: NS, name: "emqx" };
let ports: SandboxPorts;

/** The sandbox's gateway, deleting the CR (as a user would, with kubectl) right after the first StatefulSet apply. */
function deletingAfterStatefulSet(): { kube: KubePort; deleted: () => boolean } {
  const { kube, acted } = actingAfterStatefulSet(ports, async () => {
    const result = await ports.sandbox.kubectl(["delete", "emqx", "emqx", "-n", NS, "--wait=true"]);
    expect(result.code).toBe(0);
  });
  return { kube, deleted: acted };
}

async function childCount(): Promise<number> {
  const children = await ports.gateway.listChildren(NS, "emqx");
  return OWNED_KINDS.reduce((sum, kind) => sum + (children[kind] as unknown[]).length, 0);
}

beforeAll(async () => {
  ports = await openSandboxPorts();
  await applySeed(ports, NS);
}, 120_000);

afterAll(async () => {
  await ports?.sandbox.kubectl(["delete", "namespace", NS, "--wait=false"]);
});

describe("a CR deleted in the middle of a pass", () => {
  it("R6 a CR deleted right after its StatefulSet write: no hot retry, the next pass does nothing, no child is left", {
    timeout: 120_000,
  }, async () => {
    const { kube, deleted } = deletingAfterStatefulSet();

    const first = await reconcile({ ...ports.reconcileDeps, kube }, KEY);
    const next = await reconcile(ports.reconcileDeps, KEY);

    expect(deleted()).toBe(true);
    expect(first.requeueAfterSeconds ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(1);
    expect(next).toEqual({ outcome: "absent", writes: 0 });
    await waitFor(
      "garbage collection of every child",
      async () => ((await childCount()) === 0 ? true : undefined),
      90_000,
    );
    expect(ports.logger.lines.filter((l) => l.level === "error")).toEqual([]);
  });
});
