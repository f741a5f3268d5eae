import type { PutEventsEntry, PutEventsResult } from "@emqx-reconciler/api";
import { busPatterns, type Hint, HintCause } from "@emqx-reconciler/api";
import { afterEach, describe, expect, it } from "vitest";
import { type BusEvent, createEmbeddedBus, type EmbeddedBus } from "../../../src/embedded/bus.ts";
import { createHintBatcher } from "../../../src/workflows/forward/batcher.ts";
import type { Publisher } from "../../../src/workflows/forward/types.ts";

const FAST = { windowMs: 10, retry: { baseMs: 5, maxMs: 20 } };
const hint = (name: string, cause: Hint["cause"] = HintCause.Child, extra: Partial<Hint> = {}): Hint => ({
  cluster: "c1",
  namespace: "ns",
  name,
  cause,
  ...extra,
});

/** A real embedded bus with one rule on the hint pattern, collecting what it delivers. */
function busWithCollector(): { bus: EmbeddedBus; delivered: Hint[] } {
  const bus = createEmbeddedBus();
  const delivered: Hint[] = [];
  bus.addRule({
    name: "collect",
    pattern: busPatterns.reconcileHints,
    target: (event: BusEvent) => void delivered.push(event.detail as Hint),
  });
  return { bus, delivered };
}

/**
 * A publisher in front of a real bus that can be taken down (every call throws) or made to fail chosen entries
 * with an error code, recording the names sent in each call.
 */
function flakyPublisher(bus: EmbeddedBus) {
  const calls: string[][] = [];
  const state = { down: false, failEntry: (_name: string, _call: number): string | undefined => undefined };
  const publisher: Publisher = {
    async putEvents(entries: readonly PutEventsEntry[]): Promise<PutEventsResult> {
      const names = entries.map((e) => (JSON.parse(e.Detail) as Hint).name);
      calls.push(names);
      if (state.down) throw new Error("connect ECONNREFUSED");
      const codes = names.map((n) => state.failEntry(n, calls.length));
      const passing = entries.filter((_, i) => !codes[i]);
      const accepted = passing.length > 0 ? (await bus.putEvents(passing)).Entries : [];
      let next = 0;
      const Entries = codes.map((code) =>
        code ? { ErrorCode: code, ErrorMessage: "test" } : (accepted[next++] ?? {}),
      );
      return { FailedEntryCount: codes.filter(Boolean).length, Entries };
    },
  };
  return { publisher, calls, state };
}

let bus: EmbeddedBus | undefined;
afterEach(async () => {
  await bus?.close();
  bus = undefined;
});

describe("createHintBatcher", () => {
  it("folds repeats of a key within the window into one hint with the strongest cause", async () => {
    const env = busWithCollector();
    bus = env.bus;
    const batcher = createHintBatcher({ ...FAST, publisher: bus });
    batcher.add(hint("a", "child", { uid: "u", resourceVersion: "1" }));
    batcher.add(hint("a", "modified", { uid: "u", resourceVersion: "2" }));
    batcher.add(hint("a", "child", { uid: "u", resourceVersion: "3" }));
    batcher.add(hint("b", "resync"));
    expect(await batcher.flush()).toBe(0);
    await bus.idle();
    expect(env.delivered.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      hint("a", "modified", { uid: "u", resourceVersion: "2" }),
      hint("b", "resync"),
    ]);
    expect(batcher.stats()).toMatchObject({ received: 4, merged: 2, published: 2, putCalls: 1 });
  });

  it("publishes after the window without an explicit flush", async () => {
    const env = busWithCollector();
    bus = env.bus;
    const batcher = createHintBatcher({ ...FAST, publisher: bus });
    batcher.add(hint("a"));
    await expect.poll(() => env.delivered.length, { timeout: 2000 }).toBe(1);
  });

  it("leading: sends the first hint of a quiet batcher at once, then at most one round per window", async () => {
    const env = busWithCollector();
    bus = env.bus;
    const { publisher, calls } = flakyPublisher(bus);
    const batcher = createHintBatcher({ publisher, windowMs: 400, leading: true });
    const added = Date.now();
    batcher.add(hint("a"));
    batcher.add(hint("b"));
    await expect.poll(() => calls.length, { timeout: 300, interval: 5 }).toBe(1);
    expect(Date.now() - added).toBeLessThan(300);
    batcher.add(hint("c"));
    batcher.add(hint("d"));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(calls).toEqual([["a", "b"]]);
    await expect.poll(() => calls.length, { timeout: 2000, interval: 5 }).toBe(2);
    expect(calls[1]).toEqual(["c", "d"]);
    expect(await batcher.close()).toBe(0);
  });

  it("sends at most 10 entries per request", async () => {
    const env = busWithCollector();
    bus = env.bus;
    const { publisher, calls } = flakyPublisher(bus);
    const batcher = createHintBatcher({ ...FAST, publisher });
    for (let i = 0; i < 25; i++) batcher.add(hint(`k${i}`));
    await batcher.flush();
    expect(calls.map((c) => c.length)).toEqual([10, 10, 5]);
  });

  it("splits requests to stay under the 256 KiB PutEvents size limit", async () => {
    const env = busWithCollector();
    bus = env.bus;
    const { publisher, calls } = flakyPublisher(bus);
    const batcher = createHintBatcher({ ...FAST, publisher });
    for (let i = 0; i < 6; i++) batcher.add(hint(`${i}${"n".repeat(60_000)}`));
    expect(await batcher.flush()).toBe(0);
    expect(calls.map((c) => c.length)).toEqual([4, 2]);
    expect(batcher.stats().published).toBe(6);
  });

  it("resends only the entries that failed", async () => {
    const env = busWithCollector();
    bus = env.bus;
    const { publisher, calls, state } = flakyPublisher(bus);
    state.failEntry = (name, call) => (name === "b" && call === 1 ? "ThrottlingException" : undefined);
    const batcher = createHintBatcher({ ...FAST, publisher });
    for (const name of ["a", "b", "c"]) batcher.add(hint(name));
    expect(await batcher.flush()).toBe(0);
    await bus.idle();
    expect(calls).toEqual([["a", "b", "c"], ["b"]]);
    expect(env.delivered.map((h) => h.name).sort()).toEqual(["a", "b", "c"]);
    expect(batcher.stats()).toMatchObject({ published: 3, retried: 1, dropped: 0 });
  });

  it("R16 drops entries the bus refuses as malformed instead of resending them forever", async () => {
    const env = busWithCollector();
    bus = env.bus;
    const { publisher, calls, state } = flakyPublisher(bus);
    state.failEntry = (name) => (name === "bad" ? "MalformedDetail" : undefined);
    const batcher = createHintBatcher({ ...FAST, publisher });
    batcher.add(hint("bad"));
    batcher.add(hint("good"));
    expect(await batcher.flush()).toBe(0);
    expect(calls).toHaveLength(1);
    expect(batcher.stats()).toMatchObject({ published: 1, dropped: 1 });
  });

  it("keeps at most one hint per key while the bus is down, then delivers each key once", async () => {
    const env = busWithCollector();
    bus = env.bus;
    const { publisher, state } = flakyPublisher(bus);
    state.down = true;
    const batcher = createHintBatcher({ ...FAST, publisher });
    for (let i = 0; i < 5000; i++) {
      batcher.add(hint(`k${i % 50}`, i === 4321 ? "deleted" : "child", { resourceVersion: String(i) }));
      if (i % 500 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const stats = batcher.stats();
    expect(stats.pendingKeys + stats.inFlight).toBeLessThanOrEqual(50);
    expect(stats.failedCalls).toBeGreaterThan(0);
    state.down = false;
    expect(await batcher.flush({ timeoutMs: 5000 })).toBe(0);
    await bus.idle();
    const byKey = new Map<string, Hint[]>();
    for (const h of env.delivered) byKey.set(h.name, [...(byKey.get(h.name) ?? []), h]);
    expect(byKey.size).toBe(50);
    expect(env.delivered.filter((h) => h.name === "k21").map((h) => h.cause)).toContain("deleted");
    expect(env.delivered.length).toBeLessThan(200);
  });

  it("reports what it could not send when the bus stays down past the flush timeout", async () => {
    const env = busWithCollector();
    bus = env.bus;
    const { publisher, state } = flakyPublisher(bus);
    state.down = true;
    const batcher = createHintBatcher({ ...FAST, publisher });
    batcher.add(hint("a"));
    batcher.add(hint("b"));
    expect(await batcher.close({ timeoutMs: 100 })).toBe(2);
    batcher.add(hint("c"));
    expect(batcher.stats().received).toBe(2);
  });
});
