import { describe, expect, it } from "vitest";
import { createTokenBucket } from "../../src/kube/tokenBucket.ts";

describe("Function: createTokenBucket", () => {
  it("lets a burst through at once, then reserves tokens at qps, in order", () => {
    let now = 0;
    const bucket = createTokenBucket(10, 3, () => now);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    expect(bucket.reserve()).toBeCloseTo(100);
    expect(bucket.reserve()).toBeCloseTo(200);
    now = 1_000; // 10 tokens refilled, 2 owed: the bucket is back to 3 (its size), less nothing owed
    expect(bucket.reserve()).toBe(0);
  });

  it("never waits with an infinite rate", () => {
    const bucket = createTokenBucket(Number.POSITIVE_INFINITY, 1, () => 0);
    expect(Array.from({ length: 5 }, () => bucket.reserve())).toEqual([0, 0, 0, 0, 0]);
  });

  it("take() resolves once the reserved token exists, with how long it waited", async () => {
    const bucket = createTokenBucket(50, 1);
    expect(await bucket.take()).toBe(0);
    const started = performance.now();
    const waited = await bucket.take();
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    expect(waited).toBeGreaterThan(15);
    expect(waited).toBeLessThanOrEqual(20);
  });
});
