/**
 * Hints are hints: duplicates, reordered and stale hints,
 * and a `deleted` hint for a live CR, delivered on purpose into the embedded bus of `run`'s reconciler, change
 * nothing; hints for a key that is being reconciled collapse into one follow-up run, never a second run at once.
 */
import { EventSource, type Hint, HintCause } from "@emqx-reconciler/api";
import { buildHintBatches, type EmbeddedBus, type KeyMetrics } from "@emqx-reconciler/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed } from "./support/converge.ts";
import { E2E_CLUSTER, type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  childVersions,
  closeTestbed,
  freshNamespace,
  openTestbed,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;
let key: string;

function hint(cause: Hint["cause"], extra: Partial<Hint> = {}): Hint {
  return { cluster: E2E_CLUSTER, namespace: ns, name: "emqx", cause, ...extra };
}

/** Puts every batch at once, as several forwarders would. */
async function deliver(bus: EmbeddedBus, hints: Hint[]): Promise<void> {
  const results = await Promise.all(
    buildHintBatches(EventSource.Forwarder, hints).map((batch) => bus.putEvents(batch)),
  );
  expect(results.map((r) => r.FailedEntryCount)).toEqual(results.map(() => 0));
}

/** The queue's own counters for the CR's key. */
function runsOf(): Pick<KeyMetrics, "runs" | "running" | "maxConcurrentRuns" | "coalescedAdds"> {
  const metrics = embedded.reconciler.runtime.queue.metrics().keys[key];
  return metrics ?? { runs: 0, running: 0, maxConcurrentRuns: 0, coalescedAdds: 0 };
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-hints");
  embedded = await startEmbedded(testbed, ns);
  key = embedded.keyOf("emqx");
  await convergeSeed(testbed, ns);
  await embedded.settle();
}, 150_000);

afterAll(async () => {
  await testbed?.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("hints delivered on purpose", { timeout: 60_000 }, () => {
  it("R1, R2 duplicate and out-of-order hints change nothing: stale, reordered, deleted-while-live and 50 duplicates", async () => {
    const { runtime, gateway } = embedded.reconciler;
    const cr = await readCr(testbed, ns);
    const uid = cr?.metadata?.uid ?? "";
    const rv = Number(cr?.metadata?.resourceVersion);
    const children = await childVersions(testbed, ns);
    const runsBefore = runsOf().runs;
    gateway.resetStats();

    await deliver(runtime.bus, [
      hint(HintCause.Modified, { uid, resourceVersion: String(rv + 1000) }),
      hint(HintCause.Modified, { uid, resourceVersion: "1" }),
      hint(HintCause.Added, { uid: "00000000-0000-0000-0000-000000000000", resourceVersion: "2" }),
      hint(HintCause.Deleted, { uid, resourceVersion: String(rv) }),
      ...Array.from({ length: 50 }, () => hint(HintCause.Child, { uid, resourceVersion: String(rv) })),
    ]);
    await runtime.bus.idle();
    await runtime.queue.idle();

    expect(await childVersions(testbed, ns)).toEqual(children);
    expect((await readCr(testbed, ns))?.metadata?.resourceVersion).toBe(String(rv));
    const stats = gateway.stats();
    expect(stats.writes, JSON.stringify(stats.byRequest)).toBe(0);
    const runs = runsOf().runs - runsBefore;
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(3);
    expect(runtime.queue.metrics().maxConcurrentRunsPerKey).toBe(1);
  });

  it("R11 runs a key once at a time: hints during a run collapse into exactly one follow-up", async () => {
    const { runtime } = embedded.reconciler;
    // Idle means no parked requeue either: one that fires turns into a run, which must be over before counting.
    await waitFor("no run, no queued key and no parked requeue", async () => {
      const { waiting, processing, depth } = runtime.queue.metrics();
      return waiting === 0 && processing === 0 && depth === 0 ? true : undefined;
    });
    // A slow EMQX API keeps each pass busy for a while, so the second batch surely lands during the first run. Each
    // call stays well inside a pass's EMQX API budget (3 s), so the slowness is never taken for an API that does
    // not answer, which would park a retry of its own and add a run.
    await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "slow", 700);
    const before = runsOf().runs;
    await deliver(runtime.bus, [hint(HintCause.Modified)]);
    await waitFor("the first run to start", async () => (runsOf().running === 1 ? true : undefined), 10_000);
    await deliver(
      runtime.bus,
      Array.from({ length: 20 }, () => hint(HintCause.Child)),
    );
    await runtime.bus.idle();
    expect(runsOf().running).toBe(1);
    await runtime.queue.idle();
    await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "none");

    const metrics = runtime.queue.metrics();
    expect(runsOf().runs - before).toBe(2);
    expect(runsOf().maxConcurrentRuns).toBe(1);
    expect(metrics.maxConcurrentRunsPerKey).toBe(1);
    expect(runsOf().coalescedAdds).toBeGreaterThanOrEqual(19);
  });
});
