/**
 * The Lease election on the sandbox's apiserver, with short timings: of two racing processes exactly one leads;
 * renewals are resourceVersion-guarded; a release hands over at once; a holder that stops renewing loses the
 * Lease once it expires, and learns it on its next renewal.
 */
import { KubeHttp, LeaseStore, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { type Sandbox, useTestSandbox } from "@emqx-reconciler/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLeaderLease,
  type LeaderLeaseTimings,
  type LeasePort,
} from "../../src/embedded/leaderLease.ts";

const TIMINGS: LeaderLeaseTimings = { leaseDurationMs: 2_000, renewIntervalMs: 500, retryIntervalMs: 100 };

let sandbox: Sandbox;
let http: KubeHttp;
const namespace = `lease-${process.pid}`;

beforeAll(async () => {
  sandbox = await useTestSandbox();
  http = new KubeHttp({ kubeConfig: loadKubeconfigFile(sandbox.kubeconfigPath) });
  const created = await sandbox.kubectl(["create", "namespace", namespace]);
  expect(created.code).toBe(0);
}, 60_000);

afterAll(async () => {
  await sandbox?.kubectl(["delete", "namespace", namespace, "--wait=false"]);
  await http?.close();
});

/** An election of `identity` over the Lease `name`, recording who it saw holding it. */
function election(name: string, identity: string, timings: Partial<LeaderLeaseTimings> = TIMINGS) {
  const seen: string[] = [];
  const lease = createLeaderLease({
    ...timings,
    port: new LeaseStore(http, namespace, name),
    identity,
    onWaiting: (holder) => seen.push(holder),
  });
  return { lease, seen };
}

describe("LeaseStore", () => {
  it("creates once and replaces only at the resourceVersion it read", async () => {
    const store = new LeaseStore(http, namespace, "store");
    const created = await store.create({ holderIdentity: "a", leaseDurationSeconds: 5 });
    expect(created?.spec.holderIdentity).toBe("a");
    expect(await store.create({ holderIdentity: "b" })).toBeUndefined();
    const renewed = await store.replace(created?.resourceVersion ?? "", {
      holderIdentity: "a",
      leaseTransitions: 0,
    });
    expect(renewed?.resourceVersion).not.toBe(created?.resourceVersion);
    expect(await store.replace(created?.resourceVersion ?? "", { holderIdentity: "b" })).toBeUndefined();
    expect((await store.get())?.spec.holderIdentity).toBe("a");
  });
});

describe("createLeaderLease", { timeout: 30_000 }, () => {
  it("lets exactly one of two racing processes lead; a third takes over at once after a release", async () => {
    // Act: both start together; whoever has not won after 1.5 s gives up.
    const racers = [election("race", "a"), election("race", "b")];
    const giveUp = new AbortController();
    const timer = setTimeout(() => giveUp.abort(new Error("gave up")), 1_500);
    const outcomes = await Promise.allSettled(racers.map((r) => r.lease.acquire(giveUp.signal)));
    clearTimeout(timer);
    const winner = outcomes.findIndex((o) => o.status === "fulfilled");
    const leader = racers[winner];
    const third = election("race", "c");
    const takeover = third.lease.acquire();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = (await new LeaseStore(http, namespace, "race").get())?.spec.holderIdentity;
    const releasedAt = Date.now();
    await leader?.lease.release();
    await takeover;

    // Assess
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(racers[1 - winner]?.seen).toEqual([winner === 0 ? "a" : "b"]);
    expect(before).toBe(winner === 0 ? "a" : "b");
    expect(third.seen).toEqual([before]);
    expect(Date.now() - releasedAt).toBeLessThan(1_000);
    expect((await new LeaseStore(http, namespace, "race").get())?.spec).toMatchObject({
      holderIdentity: "c",
      leaseTransitions: 1,
    });
    await third.lease.release();
  });

  it("takes an expired Lease from a holder that stopped renewing; the old holder learns it lost", async () => {
    // Prepare: a holder whose renewals are slower than its own Lease (a paused process).
    const stale = election("expiry", "stale", { ...TIMINGS, renewIntervalMs: 4_000 });
    await stale.lease.acquire();
    const startedAt = Date.now();

    // Act
    const fresh = election("expiry", "fresh");
    await fresh.lease.acquire();
    const tookMs = Date.now() - startedAt;
    const lostTo = await stale.lease.lost;

    // Assess
    expect(tookMs).toBeGreaterThanOrEqual(TIMINGS.leaseDurationMs);
    expect(tookMs).toBeLessThan(TIMINGS.leaseDurationMs + 1_000);
    expect(fresh.seen).toEqual(["stale"]);
    expect(lostTo).toBe("fresh");
    await stale.lease.release();
    expect((await new LeaseStore(http, namespace, "expiry").get())?.spec.holderIdentity).toBe("fresh");
    await fresh.lease.release();
  });

  it("renews with one write per renewal while it holds the Lease, and no read", async () => {
    // Prepare: the store, counting what the election asks of it.
    const store = new LeaseStore(http, namespace, "renewals");
    const calls = { get: 0, create: 0, replace: 0 };
    const counted: LeasePort = {
      get() {
        calls.get++;
        return store.get();
      },
      create(spec) {
        calls.create++;
        return store.create(spec);
      },
      replace(rv, spec) {
        calls.replace++;
        return store.replace(rv, spec);
      },
    };
    const lease = createLeaderLease({ ...TIMINGS, port: counted, identity: "holder" });

    // Act: acquire (a read, then a create), then let it renew until it has written three more times.
    await lease.acquire();
    const renewTimes = new Set<string>();
    while (renewTimes.size < 4) {
      renewTimes.add((await store.get())?.spec.renewTime ?? "");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seen = { ...calls };
    await lease.release();

    // Assess: every renewal was one resourceVersion-guarded replace, with no read before it.
    expect(seen.get).toBe(1);
    expect(seen.create).toBe(1);
    expect(seen.replace).toBeGreaterThanOrEqual(3);
    expect((await store.get())?.spec.holderIdentity).toBe("");
  });
});
