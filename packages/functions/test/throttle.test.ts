import { describe, expect, it } from "vitest";
import { createTokenBucket, throttled } from "../src/throttle.ts";

describe("Function: createTokenBucket", () => {
  it("lets a burst through at once, then paces calls at qps", async () => {
    const bucket = createTokenBucket(20, 3);
    const started = performance.now();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await bucket.take();
      times.push(performance.now() - started);
    }
    expect(times.slice(0, 3).every((t) => t < 20)).toBe(true);
    expect(times[4] ?? 0).toBeGreaterThanOrEqual(90);
  });
});

describe("Function: throttled", () => {
  it("takes a token before each listed method and leaves other properties alone", async () => {
    let taken = 0;
    const target = {
      name: "gw",
      async get(x: number) {
        return x * 2;
      },
      sync() {
        return 1;
      },
    };
    const view = throttled(target, new Set(["get"]), { take: async () => void taken++ });
    expect(await view.get(21)).toBe(42);
    expect(view.sync()).toBe(1);
    expect(view.name).toBe("gw");
    expect(taken).toBe(1);
  });
});
