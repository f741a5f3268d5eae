/**
 * CRs shaped the way users write them — every pod-level field at once, then a seeded batch of random combinations
 * (sidecars and init containers with probes and ports, extra volumes and mounts, a service account, affinity,
 * tolerations, topology spread, security contexts, a non-default cluster domain) — reach Ready under the embedded
 * reconciler of `run` with exactly one StatefulSet and at most one ReplicaSet each, and three full rounds of the
 * loop later still have one of each and cost no write. This is the live check the offline comparison with the
 * operator could not make: a set the apiserver defaulted differently from our template once made `run` create a
 * new StatefulSet on every pass.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyList, census, waitAllReady, writesOverThreeRounds } from "./support/census.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import { Rand, randomCr, supportObjects } from "./support/randomCr.ts";
import { closeTestbed, freshNamespace, openTestbed, type Testbed } from "./support/testbed.ts";

/** Random CRs applied at once (the issue asks for at least 50 per run). */
const RANDOM_CRS = 50;
const SEED = Number(process.env.E2E_SEED ?? 7_2026);

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler | undefined;

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-podfields");
  await applyList(testbed, supportObjects(ns));
  embedded = await startEmbedded(testbed, ns);
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("operator-shaped CRs on a live apiserver", () => {
  it("a CR using every pod-level field at once reaches Ready with one set per role and then writes nothing", {
    timeout: 180_000,
  }, async () => {
    await applyList(testbed, [randomCr(new Rand(SEED), "everything", ns, { everything: true })]);

    const seen = await waitAllReady(testbed, ns, ["everything"], 150_000);
    const quiet = await writesOverThreeRounds(embedded as EmbeddedReconciler);
    const after = await census(testbed, ns);

    expect(seen.drift).toEqual([]);
    expect(quiet).toEqual({ writes: 0, byRequest: {} });
    expect(after.multiplied).toEqual([]);
    const sets = await testbed.gateway.listChildren(ns, "everything");
    expect(sets.StatefulSet).toHaveLength(1);
    expect(sets.ReplicaSet).toHaveLength(1);
  });

  it(`${RANDOM_CRS} random combinations (seed ${SEED}) all reach Ready with one set per role and then write nothing`, {
    timeout: 600_000,
  }, async () => {
    const rand = new Rand(SEED + 1);
    const crs = Array.from({ length: RANDOM_CRS }, (_, i) =>
      randomCr(rand, `random-${String(i).padStart(3, "0")}`, ns),
    );
    const names = crs.map((cr) => (cr.metadata as { name: string }).name);
    await applyList(testbed, crs);

    const seen = await waitAllReady(testbed, ns, names, 540_000);
    const quiet = await writesOverThreeRounds(embedded as EmbeddedReconciler);
    const after = await census(testbed, ns);

    expect(seen.drift).toEqual([]);
    expect(quiet).toEqual({ writes: 0, byRequest: {} });
    expect(after.multiplied).toEqual([]);
    expect(after.ready).toHaveLength(RANDOM_CRS + 1);
  });
});
