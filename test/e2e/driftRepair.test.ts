/**
 * Drift and deletion under the embedded reconciler of `run`, on the sandbox: a ReplicaSet deleted by hand comes
 * back and the passes then stop; children deleted while `run` was down are back after a restart, from its first
 * list alone; a field we own changed by another field manager is taken back, theirs kept, with no fight; a hint
 * for a CR that no longer exists does nothing; a CR that is being deleted (held by someone else's finalizer) gets
 * no child created or updated.
 */
import { EventSource, type Hint, HintCause } from "@emqx-reconciler/api";
import { buildHintBatches } from "@emqx-reconciler/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed, SEED_SHAPE, waitForShape } from "./support/converge.ts";
import { E2E_CLUSTER, type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  childVersions,
  closeTestbed,
  freshNamespace,
  kubectl,
  openTestbed,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

const FINALIZER = "e2e.emqx-reconciler.test/hold";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

function hint(name: string, cause: Hint["cause"]): Hint {
  return { cluster: E2E_CLUSTER, namespace: ns, name, cause };
}

async function deliver(hints: Hint[]): Promise<void> {
  const { bus, queue } = embedded.reconciler.runtime;
  for (const batch of buildHintBatches(EventSource.Forwarder, hints)) {
    expect((await bus.putEvents(batch)).FailedEntryCount).toBe(0);
  }
  await bus.idle();
  await queue.idle();
}

function runsOf(name: string): { runs: number; failures: number } {
  const metrics = embedded.reconciler.runtime.queue.metrics().keys[embedded.keyOf(name)];
  return { runs: metrics?.runs ?? 0, failures: metrics?.failures ?? 0 };
}

async function objectNames(kind: string): Promise<string[]> {
  const out = await kubectl(testbed, ["get", kind, "-n", ns, "-o", "name"]);
  return out.split("\n").filter(Boolean).sort();
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-drift");
  embedded = await startEmbedded(testbed, ns);
  await convergeSeed(testbed, ns);
}, 150_000);

afterAll(async () => {
  await testbed?.sandbox.kubectl([
    "patch",
    "emqx",
    "emqx",
    "-n",
    ns,
    "--type=merge",
    "-p",
    '{"metadata":{"finalizers":null}}',
  ]);
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("drift and deletion", { timeout: 150_000 }, () => {
  it("R36 a ReplicaSet deleted by hand comes back, and the passes stop once converged", async () => {
    const [replicaSet] = await testbed.gateway.listOwned("ReplicaSet", ns, "emqx");
    const name = replicaSet?.metadata?.name ?? "";
    const start = Date.now();
    await kubectl(testbed, ["delete", "replicaset", name, "-n", ns, "--wait=true"]);

    const back = await waitForShape(testbed, ns, SEED_SHAPE);
    console.log(`ReplicaSet deleted by hand → Ready with 3 replicants again in ${Date.now() - start} ms`);
    expect(back.replicaSets.map((s) => s.metadata?.name)).toEqual([name]);
    expect(back.replicaSets[0]?.metadata?.uid).not.toBe(replicaSet?.metadata?.uid);

    const { runtime, gateway } = embedded.reconciler;
    await embedded.settle();
    await waitFor("no parked requeue", async () =>
      runtime.queue.metrics().waiting === 0 ? true : undefined,
    );
    const before = runsOf("emqx").runs;
    gateway.resetStats();
    await embedded.settle();
    // One round of the loop (a resync, a status refresh) runs the CR once, twice if a pod report lands meanwhile.
    expect(runsOf("emqx").runs - before).toBeGreaterThanOrEqual(1);
    expect(runsOf("emqx").runs - before).toBeLessThanOrEqual(2);
    expect(gateway.stats().writes).toBe(0);
    expect(runtime.queue.metrics().waiting).toBe(0);
  });

  it("R14 children deleted while run was down are back after a restart, from the first list alone", async () => {
    const services = await objectNames("services");
    await embedded.stop();
    const [statefulSet] = await testbed.gateway.listOwned("StatefulSet", ns, "emqx");
    await kubectl(testbed, ["delete", "statefulset", statefulSet?.metadata?.name ?? "", "-n", ns]);
    await kubectl(testbed, ["delete", "service", "emqx-headless", "emqx-dashboard", "-n", ns]);

    const start = Date.now();
    embedded = await startEmbedded(testbed, ns);
    const back = await waitForShape(testbed, ns, SEED_SHAPE);
    console.log(
      `restart after the core set and two Services were deleted → Ready in ${Date.now() - start} ms`,
    );

    expect(back.statefulSets.map((s) => s.metadata?.name)).toEqual([statefulSet?.metadata?.name]);
    expect(back.statefulSets[0]?.metadata?.uid).not.toBe(statefulSet?.metadata?.uid);
    expect(await objectNames("services")).toEqual(services);
  });

  it("R20 another manager's edit of a field we own is taken back, its own fields stay, and then nothing is written", async () => {
    const patch = {
      metadata: { annotations: { "example.com/owner": "someone-else" } },
      spec: { publishNotReadyAddresses: false },
    };
    await kubectl(testbed, [
      "patch",
      "service",
      "emqx-headless",
      "-n",
      ns,
      "--type=merge",
      "--field-manager=someone-else",
      "-p",
      JSON.stringify(patch),
    ]);

    const service = await waitFor("publishNotReadyAddresses taken back", async () => {
      const now = await testbed.gateway.get("Service", ns, "emqx-headless");
      return (now?.spec as { publishNotReadyAddresses?: boolean })?.publishNotReadyAddresses
        ? now
        : undefined;
    });
    expect(service.metadata?.annotations?.["example.com/owner"]).toBe("someone-else");
    const managers = (service.metadata?.managedFields ?? []).map((f) => f.manager);
    expect(managers).toEqual(expect.arrayContaining(["emqx-reconciler", "someone-else"]));

    const { gateway } = embedded.reconciler;
    await embedded.settle();
    gateway.resetStats();
    await embedded.settle();
    expect(gateway.stats().writes).toBe(0);
  });

  it("R3 a hint for a CR that no longer exists creates nothing and fails nothing", async () => {
    const children = await childVersions(testbed, ns);
    await deliver([
      hint("ghost", HintCause.Modified),
      hint("ghost", HintCause.Deleted),
      hint("ghost", HintCause.Child),
    ]);

    expect(runsOf("ghost").runs).toBeGreaterThanOrEqual(1);
    expect(runsOf("ghost").failures).toBe(0);
    const ghost = await testbed.gateway.listChildren(ns, "ghost");
    expect(Object.values(ghost).flat()).toEqual([]);
    expect(await childVersions(testbed, ns)).toEqual(children);
    expect(embedded.logs.filter((l) => l.level === "error")).toEqual([]);
  });

  it("R5 a CR held by a finalizer while being deleted gets no child created or updated", async () => {
    await kubectl(testbed, [
      "patch",
      "emqx",
      "emqx",
      "-n",
      ns,
      "--type=merge",
      "-p",
      JSON.stringify({ metadata: { finalizers: [FINALIZER] } }),
    ]);
    await kubectl(testbed, ["delete", "emqx", "emqx", "-n", ns, "--wait=false"]);
    await waitFor(
      "the deletionTimestamp",
      async () => (await readCr(testbed, ns))?.metadata?.deletionTimestamp,
    );
    await embedded.settle();
    const children = await childVersions(testbed, ns);
    const runsBefore = runsOf("emqx").runs;

    await kubectl(testbed, ["delete", "service", "emqx-headless", "-n", ns]);
    await waitFor("a pass after the Service was deleted", async () =>
      runsOf("emqx").runs > runsBefore ? true : undefined,
    );
    await embedded.settle();

    expect(await testbed.gateway.get("Service", ns, "emqx-headless")).toBeUndefined();
    const { "Service/emqx-headless": _deleted, ...others } = children;
    expect(await childVersions(testbed, ns)).toEqual(others);
    expect(runsOf("emqx").failures).toBe(0);
  });
});
