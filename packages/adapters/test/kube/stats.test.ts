import { describe, expect, it } from "vitest";
import { RequestStats } from "../../src/kube/stats.ts";

describe("Class: RequestStats", () => {
  it("counts reads, writes and the waits for the rate limit until reset", () => {
    const stats = new RequestStats();
    stats.count("list", "pods");
    stats.count("patch", "services");
    stats.throttle(40);
    stats.throttle(10);
    expect(stats.snapshot()).toEqual({
      reads: 1,
      writes: 1,
      byRequest: { "list pods": 1, "patch services": 1 },
      throttled: { requests: 2, ms: 50 },
    });
    stats.reset();
    expect(stats.snapshot()).toEqual({
      reads: 0,
      writes: 0,
      byRequest: {},
      throttled: { requests: 0, ms: 0 },
    });
  });
});
