import { afterEach, describe, expect, it, vi } from "vitest";
import { createWorkQueue, type WorkHandler } from "../../src/embedded/workQueue.ts";
import { deferred, tick } from "./deferred.ts";

afterEach(() => {
  vi.useRealTimers();
});

/** A handler that records runs and holds each one until released. */
function gatedHandler() {
  const runs: string[] = [];
  const gates: Array<() => void> = [];
  const handler: WorkHandler = (key) => {
    runs.push(key);
    const gate = deferred();
    gates.push(gate.resolve);
    return gate.promise;
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      for (const release of gates.splice(0)) release();
      await tick();
    }
  };
  return { runs, handler, releaseAll };
}

describe("createWorkQueue coalescing", () => {
  it("turns any number of adds during a run into exactly one follow-up run", async () => {
    const { runs, handler, releaseAll } = gatedHandler();
    const queue = createWorkQueue({ handler });
    queue.add("ns/a");
    await tick();
    for (let i = 0; i < 5; i++) queue.add("ns/a");
    expect(queue.metrics()).toMatchObject({ processing: 1, depth: 0 });

    await releaseAll();
    await queue.idle();
    expect(runs).toEqual(["ns/a", "ns/a"]);
    expect(queue.metrics().keys["ns/a"]).toMatchObject({
      adds: 6,
      coalescedAdds: 4,
      runs: 2,
      maxConcurrentRuns: 1,
    });
  });

  it("has a key while it is queued or running, not once done nor while parked", async () => {
    const { handler, releaseAll } = gatedHandler();
    const queue = createWorkQueue({ handler, concurrency: 1 });
    queue.add("blocker");
    queue.add("ns/a");
    queue.addAfter("ns/b", 60_000);
    expect([queue.has("blocker"), queue.has("ns/a"), queue.has("ns/b")]).toEqual([true, true, false]);
    await releaseAll();
    await queue.idle();
    expect([queue.has("blocker"), queue.has("ns/a")]).toEqual([false, false]);
    await queue.shutdown({ timeoutMs: 0 });
  });

  it("collapses adds of a key that is queued but not started", async () => {
    const { runs, handler, releaseAll } = gatedHandler();
    const queue = createWorkQueue({ handler, concurrency: 1 });
    queue.add("blocker");
    for (let i = 0; i < 3; i++) queue.add("ns/a");
    expect(queue.metrics().depth).toBe(1);

    await releaseAll();
    await queue.idle();
    expect(runs).toEqual(["blocker", "ns/a"]);
    expect(queue.metrics()).toMatchObject({ adds: 4, coalescedAdds: 2, runs: 2 });
  });

  it("R11 never runs one key concurrently under a storm of adds from many async producers", async () => {
    const keys = ["a", "b", "c", "d", "e"];
    const running = new Map<string, number>();
    let observedOverlap = 0;
    const lastAdd = new Map<string, number>();
    const lastStart = new Map<string, number>();
    let clock = 0;
    const queue = createWorkQueue({
      concurrency: 8,
      handler: async (key) => {
        lastStart.set(key, ++clock);
        running.set(key, (running.get(key) ?? 0) + 1);
        if ((running.get(key) ?? 0) > 1) observedOverlap++;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        running.set(key, (running.get(key) ?? 0) - 1);
      },
    });
    const producer = async () => {
      for (let i = 0; i < 40; i++) {
        const key = keys[Math.floor(Math.random() * keys.length)] as string;
        lastAdd.set(key, ++clock);
        queue.add(key);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
      }
    };
    await Promise.all(Array.from({ length: 50 }, producer));
    await queue.idle();

    const metrics = queue.metrics();
    expect(metrics.adds).toBe(2000);
    expect(metrics.maxConcurrentRunsPerKey).toBe(1);
    expect(observedOverlap).toBe(0);
    expect(metrics.coalescedAdds).toBeGreaterThan(0);
    expect(metrics.runs).toBeLessThan(metrics.adds);
    for (const key of lastAdd.keys()) expect(lastStart.get(key)).toBeGreaterThan(lastAdd.get(key) ?? 0);
  });

  it("runs different keys in parallel, up to the concurrency", async () => {
    const { runs, handler, releaseAll } = gatedHandler();
    const queue = createWorkQueue({ handler, concurrency: 3 });
    for (let i = 0; i < 10; i++) queue.add(`k${i}`);
    await tick();
    expect(queue.metrics()).toMatchObject({ processing: 3, depth: 7 });

    await releaseAll();
    await queue.idle();
    expect(new Set(runs).size).toBe(10);
    expect(queue.metrics()).toMatchObject({ maxConcurrentRuns: 3, maxConcurrentRunsPerKey: 1, runs: 10 });
  });
});

describe("createWorkQueue retries and requeues", () => {
  it("R22 retries failures with exponential backoff from 5 ms, and a success forgets it", async () => {
    vi.useFakeTimers();
    const startedAt: number[] = [];
    const retryDelays: Array<number | undefined> = [];
    const queue = createWorkQueue({
      handler: async () => {
        startedAt.push(performance.now());
        if (startedAt.length <= 4) throw new Error("API unavailable");
      },
      onError: (_key, _error, retryInMs) => retryDelays.push(retryInMs),
    });
    const t0 = performance.now();
    queue.add("k");
    await vi.advanceTimersByTimeAsync(1_000);

    expect(retryDelays).toEqual([5, 10, 20, 40]);
    expect(startedAt.map((t) => t - t0)).toEqual([0, 5, 15, 35, 75]);
    expect(queue.numRequeues("k")).toBe(0);
    expect(queue.metrics().keys.k).toMatchObject({ runs: 5, failures: 4, retries: 4 });
  });

  it("R21 waits at least as long as the server's Retry-After before retrying", async () => {
    vi.useFakeTimers();
    const startedAt: number[] = [];
    const retryDelays: Array<number | undefined> = [];
    const throttled = Object.assign(new Error("429 TooManyRequests"), { retryAfterMs: 2_000 });
    const queue = createWorkQueue({
      handler: async () => {
        startedAt.push(performance.now());
        if (startedAt.length === 1) throw throttled;
        if (startedAt.length === 2) throw new Error("503 without Retry-After");
      },
      onError: (_key, _error, retryInMs) => retryDelays.push(retryInMs),
      retryAfterMs: (error) => (error as { retryAfterMs?: number }).retryAfterMs,
    });
    const t0 = performance.now();
    queue.add("k");
    await vi.advanceTimersByTimeAsync(1_999);
    const beforeRetryAfter = startedAt.length;
    await vi.advanceTimersByTimeAsync(1_000);

    expect(beforeRetryAfter).toBe(1);
    expect(retryDelays).toEqual([2_000, 10]);
    expect(startedAt.map((t) => t - t0)).toEqual([0, 2_000, 2_010]);
  });

  it("caps the per-key backoff", async () => {
    vi.useFakeTimers();
    const retryDelays: Array<number | undefined> = [];
    const queue = createWorkQueue({
      handler: () => Promise.reject(new Error("still broken")),
      backoffMaxMs: 100,
      onError: (_key, _error, retryInMs) => retryDelays.push(retryInMs),
    });
    queue.add("k");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(retryDelays.slice(0, 7)).toEqual([5, 10, 20, 40, 80, 100, 100]);
    await queue.shutdown();
  });

  it("throttles retries of many keys through the shared token bucket", async () => {
    vi.useFakeTimers();
    const retryDelays: number[] = [];
    const queue = createWorkQueue({
      handler: () => Promise.reject(new Error("apiserver down")),
      qps: 10,
      burst: 2,
      concurrency: 5,
      onError: (_key, _error, retryInMs) => retryDelays.push(retryInMs ?? -1),
    });
    for (const key of ["a", "b", "c", "d", "e"]) queue.add(key);
    await vi.advanceTimersByTimeAsync(0);
    expect(retryDelays).toEqual([5, 5, 100, 200, 300]);
    await queue.shutdown();
  });

  it("R7 does not retry terminal errors", async () => {
    const errors: Array<number | undefined> = [];
    const queue = createWorkQueue({
      handler: () => Promise.reject(new Error("invalid spec")),
      isTerminal: (error) => (error as Error).message === "invalid spec",
      onError: (_key, _error, retryInMs) => errors.push(retryInMs),
    });
    queue.add("k");
    await queue.idle();
    expect(errors).toEqual([undefined]);
    expect(queue.metrics()).toMatchObject({ runs: 1, waiting: 0, retries: 0 });
  });

  it("runs again after the requeue delay a run asks for", async () => {
    vi.useFakeTimers();
    const startedAt: number[] = [];
    const queue = createWorkQueue({
      handler: async () => {
        startedAt.push(performance.now());
        return startedAt.length === 1 ? { requeueAfterMs: 30_000 } : undefined;
      },
    });
    const t0 = performance.now();
    queue.add("k");
    await vi.advanceTimersByTimeAsync(29_999);
    expect(startedAt).toHaveLength(1);
    expect(queue.metrics().waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(startedAt.map((t) => t - t0)).toEqual([0, 30_000]);
  });

  it("keeps the earliest of several addAfter delays for one key", async () => {
    vi.useFakeTimers();
    const startedAt: number[] = [];
    const queue = createWorkQueue({ handler: async () => void startedAt.push(performance.now()) });
    const t0 = performance.now();
    queue.addAfter("k", 1_000);
    queue.addAfter("k", 100);
    queue.addAfter("k", 500);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(startedAt.map((t) => t - t0)).toEqual([100]);
    expect(queue.metrics().keys.k).toMatchObject({ adds: 1, runs: 1 });
  });
});

describe("createWorkQueue shutdown", () => {
  it("drains queued keys, then refuses new ones", async () => {
    const { runs, handler, releaseAll } = gatedHandler();
    const queue = createWorkQueue({ handler, concurrency: 1 });
    queue.add("a");
    queue.add("b");
    queue.addAfter("later", 60_000);
    const result = queue.shutdown();
    queue.add("c");
    await releaseAll();

    await expect(result).resolves.toEqual({ completed: true, abandonedKeys: [] });
    expect(runs).toEqual(["a", "b"]);
    expect(queue.metrics()).toMatchObject({ waiting: 0, droppedAdds: 1 });
  });

  it("without drain, lets the runs under way finish and starts nothing else", async () => {
    const { runs, handler, releaseAll } = gatedHandler();
    const queue = createWorkQueue({ handler, concurrency: 1 });
    queue.add("a");
    queue.add("b");
    const result = queue.shutdown({ drain: false });
    await releaseAll();
    await expect(result).resolves.toEqual({ completed: true, abandonedKeys: [] });
    expect(runs).toEqual(["a"]);
  });

  it("gives up at the deadline and aborts the handlers still running", async () => {
    let signalSeen: AbortSignal | undefined;
    const queue = createWorkQueue({
      handler: (_key, signal) => {
        signalSeen = signal;
        return new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason)),
        );
      },
    });
    queue.add("stuck");
    await tick();
    const result = await queue.shutdown({ timeoutMs: 20 });
    expect(result).toEqual({ completed: false, abandonedKeys: ["stuck"] });
    expect(signalSeen?.aborted).toBe(true);
    await queue.idle();
    expect(queue.metrics()).toMatchObject({ processing: 0, waiting: 0 });
  });

  it("stops waiting when the caller's signal aborts", async () => {
    const { handler } = gatedHandler();
    const queue = createWorkQueue({ handler });
    queue.add("stuck");
    const caller = new AbortController();
    const result = queue.shutdown({ signal: caller.signal });
    caller.abort();
    await expect(result).resolves.toEqual({ completed: false, abandonedKeys: ["stuck"] });
  });
});
