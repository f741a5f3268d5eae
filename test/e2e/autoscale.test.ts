/**
 * The connection autoscaler on the sandbox: a load curve on the EMQX API emulator drives the replicants of a CR
 * that opted in (1000 connections per replicant, 2…5, step 2, 2 s up / 3 s down windows, 1 s cooldown) from 2 to
 * 5 and back to 2, through the scale path, with an `AutoscaleDecided` Event per decision and no two decisions of
 * one direction closer than that direction's window.
 */
import { ANNOTATION_AUTOSCALE } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  openTestbed,
  patchCr,
  readCr,
  SEED_NAME,
  sleep,
  type Testbed,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

const UP_WINDOW_MS = 2_000;
const DOWN_WINDOW_MS = 3_000;

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-autoscale");
  embedded = await startEmbedded(testbed, ns);
  await convergeSeed(testbed, ns);
  await patchCr(testbed, ns, {
    metadata: {
      annotations: {
        [ANNOTATION_AUTOSCALE.targetConnectionsPerReplicant]: "1000",
        [ANNOTATION_AUTOSCALE.min]: "2",
        [ANNOTATION_AUTOSCALE.max]: "5",
        [ANNOTATION_AUTOSCALE.step]: "2",
        [ANNOTATION_AUTOSCALE.scaleUpWindow]: `${UP_WINDOW_MS}ms`,
        [ANNOTATION_AUTOSCALE.scaleDownWindow]: `${DOWN_WINDOW_MS}ms`,
        [ANNOTATION_AUTOSCALE.cooldown]: "1s",
      },
    },
    spec: { replicantTemplate: { spec: { replicas: 2 } } },
  });
  await waitForShape(testbed, ns, { cores: 2, replicants: 2 });
}, 240_000);

afterAll(async () => {
  await testbed?.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, []).catch(() => undefined);
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

async function specReplicants(): Promise<number | undefined> {
  const cr = await readCr(testbed, ns);
  const spec = cr?.spec as { replicantTemplate?: { spec?: { replicas?: number } } } | undefined;
  return spec?.replicantTemplate?.spec?.replicas;
}

/** Refreshes statuses (and so the autoscaler) every 250 ms until the spec asks for `want` replicants. */
async function refreshUntil(want: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await specReplicants()) !== want) {
    if (Date.now() > deadline)
      throw new Error(`replicants never reached ${want} (now ${await specReplicants()})`);
    await embedded.reconciler.runtime.refreshStatusNow();
    await sleep(250);
  }
}

/** The autoscaler's decisions so far, from its log lines: time, from, to. */
function decisions(): Array<{ at: number; from: number; to: number }> {
  return embedded.logs
    .filter((l) => l.msg === "Autoscale decided")
    .map((l) => ({ at: Date.parse(String(l.time)), from: Number(l.from), to: Number(l.to) }));
}

async function decidedEvents(): Promise<string[]> {
  const events = await testbed.gateway.listEvents(ns, SEED_NAME, "AutoscaleDecided");
  return events.map((e) => e.message ?? "").sort();
}

describe("connection autoscaler", { timeout: 300_000 }, () => {
  it("holds while the load fits, scales 2 → 4 → 5 under 4500 connections and 5 → 3 → 2 when they leave", async () => {
    // Prepare: the load fits two replicants, so a few refreshes decide nothing
    await testbed.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, [
      { afterMs: 0, connections: 1500 },
    ]);
    for (let i = 0; i < 6; i++) {
      await embedded.reconciler.runtime.refreshStatusNow();
      await sleep(500);
    }
    expect(decisions()).toEqual([]);
    expect(await specReplicants()).toBe(2);

    // Act: 4500 connections need 5 replicants at 1000 each
    await testbed.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, [
      { afterMs: 0, connections: 4500 },
    ]);
    await refreshUntil(5);

    // Assess
    const up = decisions();
    expect(up.map(({ from, to }) => [from, to])).toEqual([
      [2, 4],
      [4, 5],
    ]);
    expect((up[1]?.at ?? 0) - (up[0]?.at ?? 0)).toBeGreaterThanOrEqual(UP_WINDOW_MS);
    await waitForShape(testbed, ns, { cores: 2, replicants: 5 });

    // Act: the clients leave
    await testbed.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, [
      { afterMs: 0, connections: 300 },
    ]);
    await refreshUntil(2);

    // Assess
    const down = decisions().slice(2);
    expect(down.map(({ from, to }) => [from, to])).toEqual([
      [5, 3],
      [3, 2],
    ]);
    expect((down[1]?.at ?? 0) - (down[0]?.at ?? 0)).toBeGreaterThanOrEqual(DOWN_WINDOW_MS);
    await waitForShape(testbed, ns, { cores: 2, replicants: 2 });
    const events = await decidedEvents();
    expect(events).toHaveLength(4);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Autoscale scale-up replicants 2 → 4: 4500 live connections over 2s need at least 5/,
        ),
        expect.stringMatching(/^Autoscale scale-up replicants 4 → 5: /),
        expect.stringMatching(
          /^Autoscale scale-down replicants 5 → 3: 300 live connections over 3s need at most 2/,
        ),
        expect.stringMatching(/^Autoscale scale-down replicants 3 → 2: /),
      ]),
    );
    const annotation = (await readCr(testbed, ns))?.metadata?.annotations?.[
      ANNOTATION_AUTOSCALE.lastDecision
    ];
    expect(JSON.parse(annotation ?? "{}")).toMatchObject({ from: 3, to: 2 });
  });
});
