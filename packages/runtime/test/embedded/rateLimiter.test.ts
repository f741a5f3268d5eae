import { describe, expect, it } from "vitest";
import { CLIENT_GO_RATE_LIMITS, createRateLimiter } from "../../src/embedded/rateLimiter.ts";

describe("createRateLimiter", () => {
  it("defaults to client-go's numbers: 5 ms doubling per failure, capped at 1000 s", () => {
    let now = 0;
    const limiter = createRateLimiter({ now: () => now });
    const delays = Array.from({ length: 30 }, () => {
      now += 10_000;
      return limiter.when("k");
    });
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(delays[17]).toBe(5 * 2 ** 17);
    expect(delays[18]).toBe(1_000_000);
    expect(delays[29]).toBe(1_000_000);
    expect(limiter.failures("k")).toBe(30);
    expect(CLIENT_GO_RATE_LIMITS).toEqual({ backoffBaseMs: 5, backoffMaxMs: 1_000_000, qps: 10, burst: 100 });
  });

  it("forgets a key's failures without touching other keys", () => {
    const limiter = createRateLimiter({ now: () => 0 });
    limiter.when("a");
    limiter.when("a");
    limiter.when("b");
    limiter.forget("a");
    expect(limiter.failures("a")).toBe(0);
    expect(limiter.when("a")).toBe(5);
    expect(limiter.failures("b")).toBe(1);
  });

  it("spends the burst, then spaces callers 1/qps apart, and refills with time", () => {
    let now = 0;
    const limiter = createRateLimiter({ now: () => now, qps: 10, burst: 100 });
    const firstHundred = Array.from({ length: 100 }, (_, i) => limiter.when(`k${i}`));
    expect(Math.max(...firstHundred)).toBe(5);
    expect(limiter.when("k100")).toBeCloseTo(100);
    expect(limiter.when("k101")).toBeCloseTo(200);
    now += 10_000;
    expect(limiter.when("k102")).toBe(5);
  });
});
