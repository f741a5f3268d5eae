/** The open gate on its own: how many hold a slot, who gets the next one, release and abort. */
import { describe, expect, it } from "vitest";
import { ForwarderError } from "../../../src/workflows/forward/errors.ts";
import { createOpenGate } from "../../../src/workflows/forward/openGate.ts";

describe("createOpenGate", () => {
  it("hands out at most `limit` slots, then serves waiters in the order they came as slots are released", async () => {
    const gate = createOpenGate(2);
    const order: number[] = [];
    const releases = new Map<number, () => void>();
    const entries = [1, 2, 3, 4, 5].map((n) =>
      gate.enter().then((release) => {
        order.push(n);
        releases.set(n, release);
      }),
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual([1, 2]);
    expect(gate.stats()).toMatchObject({ opening: 2, waiting: 3, maxOpening: 2 });
    releases.get(2)?.();
    releases.get(2)?.();
    await expect.poll(() => order).toEqual([1, 2, 3]);
    expect(gate.stats()).toMatchObject({ opening: 2, waiting: 2 });
    releases.get(1)?.();
    releases.get(3)?.();
    await expect.poll(() => order).toEqual([1, 2, 3, 4, 5]);
    releases.get(4)?.();
    releases.get(5)?.();
    await Promise.all(entries);
    expect(gate.stats()).toEqual({ opening: 0, waiting: 0, maxOpening: 2, entered: 5 });
  });

  it("lets a waiter whose signal aborts go without a slot, and skips it when a slot frees", async () => {
    const gate = createOpenGate(1);
    const first = await gate.enter();
    const abort = new AbortController();
    const gaveUp = gate.enter(abort.signal);
    const next = gate.enter();
    abort.abort();
    const noSlot = await gaveUp;
    expect(gate.stats()).toMatchObject({ opening: 1, waiting: 1 });
    noSlot();
    expect(gate.stats()).toMatchObject({ opening: 1, waiting: 1 });
    first();
    const second = await next;
    expect(gate.stats()).toMatchObject({ opening: 1, waiting: 0, entered: 2 });
    second();
    expect(gate.stats().opening).toBe(0);
  });

  it("refuses a limit that is not a whole number ≥ 1, naming it", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => createOpenGate(bad)).toThrow(ForwarderError);
    expect(() => createOpenGate(0)).toThrow(/open concurrency/);
  });
});
