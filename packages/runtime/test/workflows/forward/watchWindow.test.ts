/** The bounded watch window (the scheduled function's body) against the sandbox's real apiserver. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForwarderError } from "../../../src/workflows/forward/errors.ts";
import { runWatchWindow } from "../../../src/workflows/forward/watchWindow.ts";
import { collectingBus, emqxManifest, type Kit, setupKit, useNamespace } from "./sandboxKit.ts";

let kit: Kit;
let ns: string;
let dropNamespace: () => Promise<void>;
beforeAll(async () => {
  kit = await setupKit();
  [ns, dropNamespace] = await useNamespace(kit, "fwd-window");
});
afterAll(async () => {
  await dropNamespace?.();
  await kit?.gateway.close();
});

describe("runWatchWindow on the sandbox", () => {
  it("starts with a resync of every CR, forwards changes until the deadline, flushes and returns stats", async () => {
    for (const name of ["a", "b", "c"]) await kit.kubectl(["apply", "-f", "-"], emqxManifest(ns, name));
    const { bus, hints } = collectingBus();
    const window = runWatchWindow({
      cluster: "sbx",
      kube: kit.gateway,
      publisher: bus,
      namespaces: [ns],
      durationMs: 2500,
      batching: { windowMs: 20 },
    });
    await expect.poll(() => hints.length, { timeout: 10_000 }).toBe(3);
    await kit.kubectl(["apply", "-f", "-"], emqxManifest(ns, "d"));
    const result = await window;
    await bus.idle();

    expect(hints.map((h) => `${h.name}:${h.cause}`).sort()).toEqual([
      "a:resync",
      "b:resync",
      "c:resync",
      "d:added",
    ]);
    expect(result.ready).toBe(true);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(2500);
    expect(result.elapsedMs).toBeLessThan(8000);
    expect(result.batcher).toMatchObject({ published: 4, pendingKeys: 0, inFlight: 0 });
    expect(result.unsentAtStop).toBe(0);
    expect(Object.values(result.informers).every((i) => i.ends.stopped + i.ends.closed >= 1)).toBe(true);
    await bus.close();
  });

  it("without resync, hints nothing for the opening lists but still forwards the changes it sees", async () => {
    const { bus, hints } = collectingBus();
    const abort = new AbortController();
    const window = runWatchWindow({
      cluster: "sbx",
      kube: kit.gateway,
      publisher: bus,
      namespaces: [ns],
      durationMs: 120_000,
      resync: false,
      batching: { windowMs: 20 },
      signal: abort.signal,
    });
    // A change made before the opening list is part of the list, not an event: touch until one is forwarded.
    for (let touch = 1; hints.length === 0 && touch <= 40; touch++) {
      await kit.kubectl(["annotate", "emqx", "a", "-n", ns, `test.emqx.io/touch=${touch}`, "--overwrite"]);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await kit.kubectl(["apply", "-f", "-"], emqxManifest(ns, "e"));
    await expect.poll(() => new Set(hints.map((h) => h.name)).has("e"), { timeout: 20_000 }).toBe(true);
    abort.abort();
    await window;
    expect([...new Set(hints.map((h) => `${h.name}:${h.cause}`))].sort()).toEqual(["a:modified", "e:added"]);
    await bus.close();
  });

  it("ends early, still flushing, when its signal aborts", async () => {
    const { bus, hints } = collectingBus();
    const abort = new AbortController();
    const window = runWatchWindow({
      cluster: "sbx",
      kube: kit.gateway,
      publisher: bus,
      namespaces: [ns],
      durationMs: 60_000,
      signal: abort.signal,
    });
    await expect.poll(() => hints.length, { timeout: 10_000 }).toBeGreaterThan(0);
    abort.abort();
    const result = await window;
    expect(result.elapsedMs).toBeLessThan(20_000);
    expect(result.batcher.pendingKeys).toBe(0);
    await bus.close();
  });

  it("refuses a window without a positive duration, naming the field", async () => {
    const { bus } = collectingBus();
    await expect(
      runWatchWindow({ cluster: "x", kube: kit.gateway, publisher: bus, durationMs: 0 }),
    ).rejects.toThrow(ForwarderError);
    await expect(
      runWatchWindow({ cluster: "x", kube: kit.gateway, publisher: bus, durationMs: 0 }),
    ).rejects.toThrow(/durationMs/);
    await bus.close();
  });
});
