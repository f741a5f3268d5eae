/**
 * CRs shaped the way users write them — every pod-level field at once, then a seeded batch of random combinations
 * (sidecars and init containers with probes and ports, extra volumes and mounts, a service account, affinity,
 * tolerations, topology spread, security contexts, a non-default cluster domain) — reach Ready under the embedded
 * reconciler of `run` with exactly one StatefulSet and at most one ReplicaSet each, and three full rounds of the
 * loop later still have one of each and cost no write. This is the live check the offline comparison with the
 * operator could not make: a set the apiserver defaulted differently from our template once made `run` create a
 * new StatefulSet on every pass.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { ConditionType, type EmqxStatus } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import { Rand, randomCr, supportObjects } from "./support/randomCr.ts";
import { closeWorld, type E2eWorld, freshNamespace, kubectl, openWorld, waitFor } from "./support/world.ts";

/** Random CRs applied at once (the issue asks for at least 50 per run). */
const RANDOM_CRS = 50;
const SEED = Number(process.env.E2E_SEED ?? 7_2026);

let world: E2eWorld;
let ns: string;
let embedded: EmbeddedReconciler | undefined;

interface Census {
  ready: string[];
  notReady: Array<{ name: string; state?: string }>;
  /** Names of CRs with more than one StatefulSet or ReplicaSet. */
  multiplied: Array<{ name: string; statefulSets: number; replicaSets: number }>;
  drift: string[];
}

function isReady(status: EmqxStatus | undefined): boolean {
  return status?.conditions?.some((c) => c.type === ConditionType.Ready && c.status === "True") ?? false;
}

/** One read of every CR and set of the namespace. */
async function census(): Promise<Census> {
  const [crs, statefulSets, replicaSets] = await Promise.all([
    world.gateway.listEmqx(ns),
    world.gateway.list("StatefulSet", { namespace: ns }),
    world.gateway.list("ReplicaSet", { namespace: ns }),
  ]);
  const owned = (sets: readonly KubeObject[], uid: string | undefined) =>
    sets.filter((s) => s.metadata?.ownerReferences?.some((o) => o.uid === uid)).length;
  const out: Census = { ready: [], notReady: [], multiplied: [], drift: [] };
  for (const cr of crs.items) {
    const name = cr.metadata?.name ?? "";
    const status = cr.status as EmqxStatus | undefined;
    if (isReady(status)) out.ready.push(name);
    else out.notReady.push({ name, state: status?.conditions?.find((c) => c.status === "True")?.type });
    const sts = owned(statefulSets.items, cr.metadata?.uid);
    const rs = owned(replicaSets.items, cr.metadata?.uid);
    if (sts > 1 || rs > 1) out.multiplied.push({ name, statefulSets: sts, replicaSets: rs });
    if (status?.conditions?.some((c) => c.type === ConditionType.TemplateDrift)) out.drift.push(name);
  }
  return out;
}

async function applyAll(crs: readonly object[]): Promise<void> {
  await kubectl(world, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: crs }));
}

async function waitAllReady(names: readonly string[], timeoutMs: number): Promise<Census> {
  let last: Census | undefined;
  return waitFor(
    `${names.length} CRs Ready`,
    async () => {
      last = await census();
      if (last.multiplied.length > 0) throw new Error(`sets multiplied: ${JSON.stringify(last.multiplied)}`);
      return names.every((n) => last?.ready.includes(n)) ? last : undefined;
    },
    timeoutMs,
    async () => last?.notReady,
  );
}

/** Three full rounds of the loop (resync, status refresh) with the reconciler's write count over them. */
async function writesOverThreeRounds(): Promise<{ writes: number; byRequest: Record<string, number> }> {
  const gateway = embedded?.reconciler.gateway;
  if (!embedded || !gateway) throw new Error("no reconciler");
  await embedded.settle();
  gateway.resetStats();
  for (let round = 0; round < 3; round++) await embedded.settle();
  const stats = gateway.stats();
  const writes = Object.fromEntries(
    Object.entries(stats.byRequest).filter(([request]) => !/^(get|list|watch)\b/i.test(request)),
  );
  return { writes: stats.writes, byRequest: writes };
}

beforeAll(async () => {
  world = await openWorld();
  ns = await freshNamespace(world, "e2e-podfields");
  await applyAll(supportObjects(ns));
  embedded = await startEmbedded(world, ns);
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
  await closeWorld(world, ns);
});

describe("operator-shaped CRs on a live apiserver", () => {
  it("a CR using every pod-level field at once reaches Ready with one set per role and then writes nothing", {
    timeout: 180_000,
  }, async () => {
    await applyAll([randomCr(new Rand(SEED), "everything", ns, { everything: true })]);

    const seen = await waitAllReady(["everything"], 150_000);
    const quiet = await writesOverThreeRounds();
    const after = await census();

    expect(seen.drift).toEqual([]);
    expect(quiet).toEqual({ writes: 0, byRequest: {} });
    expect(after.multiplied).toEqual([]);
    const sets = await world.gateway.listChildren(ns, "everything");
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
    await applyAll(crs);

    const seen = await waitAllReady(names, 540_000);
    const quiet = await writesOverThreeRounds();
    const after = await census();

    expect(seen.drift).toEqual([]);
    expect(quiet).toEqual({ writes: 0, byRequest: {} });
    expect(after.multiplied).toEqual([]);
    expect(after.ready).toHaveLength(RANDOM_CRS + 1);
  });
});
