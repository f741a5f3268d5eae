/**
 * Two embedded reconcilers serving one namespace at once, as if the Lease that normally keeps a second `run` out
 * were bypassed: deterministic names, create-only Secrets and resourceVersion-guarded writes still give one set
 * per role and a status that never goes back; then a seeded burst of 20 spec changes, with 3000 client connections
 * on the emulated cluster, converges to the last one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_SHAPE, type Shape, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import { Rand } from "./support/randomCr.ts";
import {
  applySeed,
  closeTestbed,
  freshNamespace,
  openTestbed,
  patchCr,
  readCr,
  type Testbed,
} from "./support/testbed.ts";
import { recordHistory, type WatchHistory } from "./support/watchHistory.ts";

const SEED = 4242;
const BURST = 20;
/** Client connections the emulated cluster reports during the burst. */
const CLIENTS = 3000;

let testbed: Testbed;
let ns: string;
let first: EmbeddedReconciler;
let second: EmbeddedReconciler;
let history: WatchHistory;

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-twice");
  first = await startEmbedded(testbed, ns);
  second = await startEmbedded(testbed, ns);
  history = await recordHistory(testbed, ns, ["EMQX", "StatefulSet", "ReplicaSet"]);
}, 150_000);

afterAll(async () => {
  await testbed?.emulator.setLoadCurve({ namespace: ns, name: "emqx" }, []).catch(() => undefined);
  history?.stop();
  await first?.stop();
  await second?.stop();
  await closeTestbed(testbed, ns);
});

function added(kind: "StatefulSet" | "ReplicaSet"): string[] {
  return history.changes
    .filter((c) => c.kind === kind && c.type === "ADDED")
    .map((c) => c.object.metadata?.name ?? "");
}

/** The newest generation the status's conditions were observed for, for every version of the CR the watch saw. */
function observedGenerations(): number[] {
  return history.of("EMQX", "emqx").flatMap((c) => {
    const conditions = (
      c.object.status as { conditions?: Array<{ observedGeneration?: number }> } | undefined
    )?.conditions;
    const generations = (conditions ?? []).flatMap((k) =>
      k.observedGeneration === undefined ? [] : [k.observedGeneration],
    );
    return generations.length > 0 ? [Math.max(...generations)] : [];
  });
}

describe("two reconcilers of one CR", { timeout: 240_000 }, () => {
  it("R8 two reconcilers of one CR without the Lease: one set per role, and the status generation never goes back", async () => {
    await applySeed(testbed, ns);
    await waitForShape(testbed, ns, SEED_SHAPE, "emqx", 150_000);
    await Promise.all([first.settle(), second.settle()]);

    expect(added("StatefulSet")).toHaveLength(1);
    expect(added("ReplicaSet")).toHaveLength(1);
    expect(history.changes.filter((c) => c.type === "DELETED")).toEqual([]);
    const generations = observedGenerations();
    expect(generations.length).toBeGreaterThan(0);
    expect(generations).toEqual([...generations].sort((a, b) => a - b));
    expect(first.reconciler.runtime.queue.metrics().keys[first.keyOf("emqx")]?.runs).toBeGreaterThan(0);
    expect(second.reconciler.runtime.queue.metrics().keys[second.keyOf("emqx")]?.runs).toBeGreaterThan(0);
  });

  it("R9 a burst of 20 seeded spec changes under 3000 client connections converges to the last one, with no evacuation left", async () => {
    await testbed.emulator.setLoadCurve({ namespace: ns, name: "emqx" }, [
      { afterMs: 0, connections: CLIENTS },
    ]);
    const rand = new Rand(SEED);
    const start = Date.now();
    let last: Shape = SEED_SHAPE;
    for (let change = 0; change < BURST; change++) {
      last = { cores: rand.int(2, 3), replicants: rand.int(0, 4) };
      await patchCr(testbed, ns, {
        spec: {
          coreTemplate: { spec: { replicas: last.cores } },
          replicantTemplate: { spec: { replicas: last.replicants } },
        },
      });
    }

    const reached = await waitForShape(testbed, ns, last, "emqx", 200_000);
    console.log(
      `${BURST} spec changes → Ready at ${last.cores} cores / ${last.replicants} replicants in ${Date.now() - start} ms`,
    );
    await Promise.all([first.settle(), second.settle()]);

    const cr = await readCr(testbed, ns);
    expect(cr?.status?.nodeEvacuationsStatus ?? []).toEqual([]);
    expect(reached.statefulSets).toHaveLength(1);
    expect(reached.replicaSets).toHaveLength(1);
    expect(added("StatefulSet")).toHaveLength(1);
    expect(added("ReplicaSet")).toHaveLength(1);
    const generations = observedGenerations();
    expect(generations).toEqual([...generations].sort((a, b) => a - b));
    expect(generations.at(-1)).toBe(cr?.metadata?.generation);
  });
});
