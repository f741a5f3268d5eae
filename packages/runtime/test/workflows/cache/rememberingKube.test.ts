/**
 * A pass through `rememberingKube`, on the in-memory Kubernetes: the children lists it skips, and that it decides
 * exactly what a pass with direct reads decides whenever the hint's digests describe the cluster.
 */
import { type KubeObject, OWNED_KINDS, type OwnedKind } from "@emqx-reconciler/adapters";
import { beforeEach, describe, expect, it } from "vitest";
import type { ReconcileDeps } from "../../../src/ports.ts";
import { ChildListMemo } from "../../../src/workflows/cache/childListMemo.ts";
import { type PassHint, rememberingKube } from "../../../src/workflows/cache/rememberingKube.ts";
import { ChildDigests } from "../../../src/workflows/forward/childDigests.ts";
import { reconcile } from "../../../src/workflows/reconcile.ts";
import { FakeEmqx, runControllers, seedCr } from "../fakeControllers.ts";
import { FakeKube } from "../fakeKube.ts";
import { RecordingLogger, RecordingPublisher } from "../recorders.ts";

const KEY = { cluster: "test", namespace: "ns", name: "emqx" };

function depsOn(kube: FakeKube): ReconcileDeps {
  return {
    kube: kube.port(),
    emqxApi: new FakeEmqx(kube),
    clock: { now: () => new Date("2026-01-01T00:00:00Z") },
    random: { password: () => "p".repeat(64), cookie: () => "c".repeat(64) },
    logger: new RecordingLogger(),
    publisher: new RecordingPublisher(),
  };
}

/** The controllers' step, each object they changed stored under a new resourceVersion, as the apiserver does. */
function controllersStep(kube: FakeKube): void {
  const before = new Map([...kube.objects].map(([key, obj]) => [key, JSON.stringify(obj)]));
  runControllers(kube);
  for (const [key, obj] of kube.objects) if (before.get(key) !== JSON.stringify(obj)) kube.seed(obj);
}

/** The hint a forwarder watching `kube` now would send: its digests over what the cluster holds. */
function forwarderHint(kube: FakeKube): PassHint {
  const digests = new ChildDigests();
  const all = [...kube.objects.values()];
  for (const kind of OWNED_KINDS)
    digests.applyList(
      { kind, namespace: undefined },
      all.filter((o) => o.kind === kind),
    );
  return {
    namespace: KEY.namespace,
    name: KEY.name,
    childDigests: digests.digestsFor(KEY.namespace, KEY.name),
  };
}

function lists(kube: FakeKube): Record<OwnedKind, number> {
  return Object.fromEntries(OWNED_KINDS.map((k) => [k, kube.reads.get(`list ${k}`) ?? 0])) as Record<
    OwnedKind,
    number
  >;
}

/** Passes until converged (at most 20), the controllers stepping between them; `hint` makes each pass's hint. */
async function converge(kube: FakeKube, kubeFor: (kube: FakeKube) => ReconcileDeps["kube"]): Promise<number> {
  const deps = depsOn(kube);
  for (let pass = 1; pass <= 20; pass++) {
    const result = await reconcile({ ...deps, kube: kubeFor(kube) }, KEY);
    if (result.outcome === "converged") return pass;
    controllersStep(kube);
  }
  throw new Error("did not converge in 20 passes");
}

let kube: FakeKube;
let memo: ChildListMemo;
const remembering = (k: FakeKube) => rememberingKube(k.port(), memo, forwarderHint(k));

beforeEach(() => {
  kube = new FakeKube();
  kube.seed(seedCr("ns"));
  memo = new ChildListMemo();
});

describe("rememberingKube", () => {
  it("makes the same writes to Ready as direct reads, listing only the kinds that changed", async () => {
    const direct = new FakeKube();
    direct.seed(seedCr("ns"));
    const directPasses = await converge(direct, (k) => k.port());

    const passes = await converge(kube, remembering);
    expect(passes).toBe(directPasses);
    expect(kube.writes).toEqual(direct.writes);
    const listed = lists(kube);
    const total = Object.values(listed).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan((passes - 1) * OWNED_KINDS.length);
    // What only this reconciler writes is never listed again after its first write: its own results match.
    expect(listed.Secret + listed.ConfigMap + listed.Service).toBe(0);
    expect(listed.Pod).toBeGreaterThan(0);
  });

  it("lists nothing on the first pass of a new CR: the forwarder saw no child of any kind", async () => {
    await reconcile({ ...depsOn(kube), kube: remembering(kube) }, KEY);
    expect(Object.values(lists(kube))).toEqual(OWNED_KINDS.map(() => 0));
    expect(kube.writes.some((w) => w.startsWith("apply StatefulSet/"))).toBe(true);
  });

  it("lists every kind for a hint without digests (a requeue, a resync sweep, an older forwarder)", async () => {
    await reconcile({ ...depsOn(kube), kube: rememberingKube(kube.port(), memo, KEY) }, KEY);
    expect(Object.values(lists(kube))).toEqual(OWNED_KINDS.map(() => 1));
  });

  it("a child changed after the memo was taken: the hint's digest differs, the pass lists and repairs", async () => {
    await converge(kube, remembering);
    const configMap = [...kube.objects.values()].find((o) => o.kind === "ConfigMap") as KubeObject;
    const drifted = kube.seed({ ...configMap, data: { "emqx.conf": "edited by hand" } });
    const service = [...kube.objects.values()].find((o) => o.kind === "Service") as KubeObject;
    kube.objects.delete(`Service/ns/${service.metadata?.name}`);
    const before = lists(kube);
    const writes = kube.writes.length;

    await reconcile({ ...depsOn(kube), kube: remembering(kube) }, KEY);

    const after = lists(kube);
    expect(after.ConfigMap - before.ConfigMap).toBe(1);
    expect(after.Service - before.Service).toBe(1);
    expect(after.Secret - before.Secret).toBe(0);
    const repaired = kube.writes.slice(writes);
    expect(repaired).toContain(`apply ConfigMap/${drifted.metadata.name}`);
    expect(repaired).toContain(`apply Service/${service.metadata?.name}`);
    expect(kube.get("ConfigMap", "ns", drifted.metadata.name ?? "")?.data).not.toEqual(drifted.data);
  });

  it("reads the children as the hint's watch saw them: a hint sent before an edit, then the edit's own", async () => {
    await converge(kube, remembering);
    const sentBefore = forwarderHint(kube);
    const configMap = [...kube.objects.values()].find((o) => o.kind === "ConfigMap") as KubeObject;
    kube.seed({ ...configMap, data: { "emqx.conf": "edited by hand" } });
    const sentAfter = forwarderHint(kube);
    expect(sentAfter.childDigests?.ConfigMap).not.toBe(sentBefore.childDigests?.ConfigMap);
    const before = lists(kube).ConfigMap;
    const writes = kube.writes.length;
    // Like a watch cache that has not seen the edit yet: served from the memo, nothing to repair.
    await reconcile({ ...depsOn(kube), kube: rememberingKube(kube.port(), memo, sentBefore) }, KEY);
    expect(lists(kube).ConfigMap).toBe(before);
    expect(kube.writes.slice(writes).filter((w) => w.startsWith("apply ConfigMap/"))).toEqual([]);
    // The edit's hint then lists the ConfigMap and repairs it.
    await reconcile({ ...depsOn(kube), kube: rememberingKube(kube.port(), memo, sentAfter) }, KEY);
    expect(lists(kube).ConfigMap).toBe(before + 1);
    expect(kube.writes.slice(writes).filter((w) => w.startsWith("apply ConfigMap/"))).toHaveLength(1);
  });
});
