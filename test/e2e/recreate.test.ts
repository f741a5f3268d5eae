/**
 * Deleting the CR under the embedded reconciler of `run` lets the garbage collector remove every child; applying
 * it again under the same name (a new uid) converges with nothing of the old CR
 * left.
 */
import { type KubeObject, OWNED_KINDS } from "@emqx-reconciler/adapters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  kubectl,
  openTestbed,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;
let oldUid: string;

/** Every child of the CR found by its labels, each tagged with its kind (list items carry none). */
async function children(): Promise<KubeObject[]> {
  const all = await testbed.gateway.listChildren(ns, "emqx");
  return OWNED_KINDS.flatMap((kind) => (all[kind] as KubeObject[]).map((obj) => ({ ...obj, kind })));
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-recreate");
  embedded = await startEmbedded(testbed, ns);
  await convergeSeed(testbed, ns);
  oldUid = (await readCr(testbed, ns))?.metadata?.uid ?? "";
}, 150_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("delete and recreate", { timeout: 100_000 }, () => {
  it("lets garbage collection remove every child of a deleted CR", async () => {
    expect((await children()).length).toBeGreaterThanOrEqual(12);
    await kubectl(testbed, ["delete", "emqx", "emqx", "-n", ns]);
    await waitFor(
      "every child to be gone",
      async () => ((await children()).length === 0 ? true : undefined),
      // The garbage collector picks up a new CRD's kind on its 30 s discovery resync; until then it cannot see
      // the owner go (kube-controller-manager's fixed period), so a fresh sandbox may take that long here.
      75_000,
      async () => (await children()).map((c) => `${c.kind}/${c.metadata?.name}`),
    );
    await embedded.reconciler.runtime.queue.idle();
    expect(await readCr(testbed, ns)).toBeUndefined();
  });

  it("R4 converges a CR recreated under the same name, with nothing left of the old one", async () => {
    const reached = await convergeSeed(testbed, ns);
    const uid = reached.cr?.metadata?.uid;
    expect(uid).toBeTruthy();
    expect(uid).not.toBe(oldUid);
    const setUids = new Set([...reached.statefulSets, ...reached.replicaSets].map((s) => s.metadata?.uid));
    for (const child of await children()) {
      const owners = child.metadata?.ownerReferences ?? [];
      const controller = owners.filter((o) => o.controller);
      expect(controller, `${child.kind}/${child.metadata?.name}`).toHaveLength(1);
      if (child.kind === "Pod") expect(setUids.has(controller[0]?.uid)).toBe(true);
      else expect(controller[0]).toMatchObject({ kind: "EMQX", name: "emqx", uid });
      expect(owners.some((o) => o.uid === oldUid)).toBe(false);
    }
    const kinds = (await children()).map((c) => c.kind);
    const count = (kind: string) => kinds.filter((k) => k === kind).length;
    expect([count("StatefulSet"), count("ReplicaSet"), count("Pod"), count("Secret")]).toEqual([1, 1, 5, 3]);
  });
});
