import { DetailType, EventSource, type Hint } from "@emqx-reconciler/api";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { HintTarget } from "../../src/embedded/hints.ts";
import {
  createEmbeddedRuntime,
  type EmbeddedRuntimeOptions,
  type RuntimeFailure,
} from "../../src/embedded/runtime.ts";
import { deferred } from "./deferred.ts";

afterEach(() => {
  vi.useRealTimers();
});

/** Fakes the clock and timers but keeps `setImmediate` real, so bus deliveries flow while time stands still. */
function useFakeClock(): void {
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date", "performance", "hrtime"],
  });
}

/** Lets the bus deliver and the queue finish what the last timers started. */
async function settle(runtime: { bus: { idle(): Promise<void> }; queue: { idle(): Promise<void> } }) {
  await runtime.bus.idle();
  await runtime.queue.idle();
}

const target = (name: string, cluster = "local"): HintTarget => ({ cluster, namespace: "default", name });
const hintEntry = (hint: Hint, source: string = EventSource.Forwarder) => ({
  Source: source,
  DetailType: DetailType.ReconcileHint,
  Detail: JSON.stringify(hint),
});

/** A runtime whose workflows record what they were asked to do. */
function recordingRuntime(overrides: Partial<EmbeddedRuntimeOptions> = {}) {
  const reconciles: Array<{ key: string; hint: Hint; at: number }> = [];
  const statusRuns: Array<{ cluster: string; at: number }> = [];
  const failures: RuntimeFailure[] = [];
  const runtime = createEmbeddedRuntime({
    reconcile: async (key, hint) => void reconciles.push({ key, hint, at: performance.now() }),
    refreshStatus: async (cluster) => void statusRuns.push({ cluster, at: performance.now() }),
    listClusters: () => ["local"],
    listKeys: async () => [],
    resyncAtStart: false,
    onFailure: (failure) => failures.push(failure),
    ...overrides,
  });
  return { runtime, reconciles, statusRuns, failures };
}

describe("createEmbeddedRuntime hint routing", () => {
  it("routes a forwarder hint through the api's pattern to one reconcile of its key", async () => {
    const { runtime, reconciles } = recordingRuntime();
    await runtime.start();
    const hint: Hint = { ...target("emqx"), uid: "u1", resourceVersion: "7", cause: "modified" };
    await runtime.bus.putEvents([hintEntry(hint), hintEntry(hint, "someone.else")]);
    await vi.waitFor(() => expect(reconciles).toHaveLength(1));
    await runtime.stop();

    expect(reconciles[0]).toMatchObject({ key: "local/default/emqx", hint });
    expect(runtime.bus.metrics().matchedByRule).toEqual({ "reconcile-hints": 1 });
  });

  it("reports and drops a hint that does not parse, without retrying it", async () => {
    const { runtime, reconciles, failures } = recordingRuntime();
    await runtime.start();
    await runtime.bus.putEvents([
      { Source: EventSource.Forwarder, DetailType: DetailType.ReconcileHint, Detail: '{"cluster":"x"}' },
    ]);
    await runtime.bus.idle();
    await runtime.stop();
    expect(reconciles).toHaveLength(0);
    expect(failures.map((f) => f.phase)).toEqual(["hint"]);
    expect(runtime.bus.metrics()).toMatchObject({ retries: 0, deadLettered: 0 });
  });

  it("collapses hints that arrive during a reconcile into one follow-up that sees the latest hint", async () => {
    const gate = deferred();
    const reconciles: Hint[] = [];
    const { runtime } = recordingRuntime({
      reconcile: async (_key, hint) => {
        reconciles.push(hint);
        if (reconciles.length === 1) await gate.promise;
      },
    });
    await runtime.start();
    await runtime.bus.putEvents([hintEntry({ ...target("emqx"), resourceVersion: "1", cause: "added" })]);
    await vi.waitFor(() => expect(reconciles).toHaveLength(1));
    for (let rv = 2; rv <= 6; rv++) {
      await runtime.bus.putEvents([
        hintEntry({ ...target("emqx"), resourceVersion: String(rv), cause: "modified" }),
      ]);
    }
    await runtime.bus.idle();
    gate.resolve();
    await vi.waitFor(() => expect(reconciles).toHaveLength(2));
    await runtime.queue.idle();
    await runtime.stop();

    expect(reconciles.map((h) => h.resourceVersion)).toEqual(["1", "6"]);
    expect(runtime.queue.metrics()).toMatchObject({
      runs: 2,
      adds: 6,
      coalescedAdds: 4,
      maxConcurrentRunsPerKey: 1,
    });
  });

  it("retries a failed reconcile with backoff and reports it", async () => {
    let calls = 0;
    const { runtime, failures } = recordingRuntime({
      reconcile: async () => {
        calls++;
        if (calls === 1) throw new Error("apiserver timeout");
      },
    });
    await runtime.start();
    await runtime.bus.putEvents([hintEntry({ ...target("emqx"), cause: "added" })]);
    await vi.waitFor(() => expect(calls).toBe(2));
    await runtime.stop();
    expect(failures).toMatchObject([{ phase: "reconcile", key: "local/default/emqx", retryInMs: 5 }]);
  });
});

describe("createEmbeddedRuntime timers", () => {
  it("runs a reconcile again after the requeue it asked for, as a requeue hint", async () => {
    useFakeClock();
    const runs: Array<{ cause: string; at: number }> = [];
    const { runtime: requeueing } = recordingRuntime({
      reconcile: async (_key, hint) => {
        runs.push({ cause: hint.cause, at: performance.now() });
        return runs.length === 1 ? { requeueAfterSeconds: 30 } : undefined;
      },
    });
    await requeueing.start();
    const t0 = performance.now();
    await requeueing.bus.putEvents([hintEntry({ ...target("emqx"), uid: "u1", cause: "added" })]);
    await settle(requeueing);
    await vi.advanceTimersByTimeAsync(60_000);
    await requeueing.stop();

    expect(runs.map((r) => ({ cause: r.cause, at: r.at - t0 }))).toEqual([
      { cause: "added", at: 0 },
      { cause: "requeue", at: 30_000 },
    ]);
  });

  it("R15 publishes a resync hint for every CR each period, in PutEvents batches of ten", async () => {
    useFakeClock();
    const targets = Array.from({ length: 12 }, (_, i) => target(`emqx-${i}`));
    const { runtime, reconciles } = recordingRuntime({
      listKeys: async () => targets,
      resyncIntervalMs: 60_000,
      resyncJitter: 0,
    });
    await runtime.start();
    await vi.advanceTimersByTimeAsync(59_999);
    expect(reconciles).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(reconciles).toHaveLength(12));
    expect(reconciles.map((r) => r.hint.cause)).toEqual(Array(12).fill("resync"));
    expect(new Set(reconciles.map((r) => r.key)).size).toBe(12);
    expect(runtime.bus.metrics()).toMatchObject({ putCalls: 2, acceptedEntries: 12 });
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(() => expect(reconciles).toHaveLength(24));
    await runtime.stop();
  });

  it("R14 resyncs at start by default, so a restarted process converges on its own", async () => {
    const { runtime, reconciles } = recordingRuntime({
      resyncAtStart: undefined,
      listKeys: async () => [target("a")],
    });
    await runtime.start();
    await vi.waitFor(() => expect(reconciles.map((r) => r.hint.cause)).toEqual(["resync"]));
    await runtime.stop();
  });

  it("refreshes status on its interval and never overlaps a slow refresh", async () => {
    useFakeClock();
    let running = 0;
    let maxRunning = 0;
    const starts: number[] = [];
    const { runtime } = recordingRuntime({
      statusIntervalMs: 10_000,
      refreshStatus: async () => {
        starts.push(performance.now());
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, starts.length === 1 ? 25_000 : 1_000));
        running--;
      },
    });
    const t0 = performance.now();
    await runtime.start();
    await vi.advanceTimersByTimeAsync(50_000);
    await runtime.stop();
    expect(starts.map((t) => t - t0)).toEqual([0, 25_000, 35_000, 45_000]);
    expect(maxRunning).toBe(1);
  });

  it("keeps refreshing healthy clusters when one fails", async () => {
    const { runtime, statusRuns, failures } = recordingRuntime({
      listClusters: () => ["bad", "good"],
      refreshStatus: async (cluster) => {
        if (cluster === "bad") throw new Error("EMQX API returned 401");
        statusRuns.push({ cluster, at: 0 });
      },
    });
    await runtime.start();
    await runtime.refreshStatusNow();
    await runtime.stop();
    expect(statusRuns.map((r) => r.cluster)).toContain("good");
    expect(failures).toContainEqual(expect.objectContaining({ phase: "status", cluster: "bad" }));
  });
});

describe("createEmbeddedRuntime stop", () => {
  it("clears every timer and refuses new hints", async () => {
    useFakeClock();
    const { runtime, statusRuns } = recordingRuntime({
      listKeys: async () => [target("a")],
      resyncAtStart: true,
    });
    await runtime.start();
    await vi.waitFor(() => expect(runtime.queue.metrics().runs).toBe(1));
    await runtime.bus.putEvents([hintEntry({ ...target("b"), cause: "added" })]);
    const result = await runtime.stop();
    const statusRunsAtStop = statusRuns.length;

    expect(result).toEqual({ completed: true, abandonedKeys: [] });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(statusRuns).toHaveLength(statusRunsAtStop);
    await expect(runtime.bus.putEvents([hintEntry({ ...target("c"), cause: "added" })])).rejects.toThrow(
      /closed/,
    );
  });

  it("gives up on a hung reconcile at the deadline and says which key", async () => {
    const { runtime } = recordingRuntime({
      stopTimeoutMs: 20,
      reconcile: (_key, _hint, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener("abort", reject)),
    });
    await runtime.start();
    await runtime.bus.putEvents([hintEntry({ ...target("stuck"), cause: "added" })]);
    await vi.waitFor(() => expect(runtime.queue.metrics().processing).toBe(1));
    await expect(runtime.stop()).resolves.toEqual({
      completed: false,
      abandonedKeys: ["local/default/stuck"],
    });
  });
});
