/** The cost model's arithmetic: shard sizing from measured memory, and the bill's lines for a fleet. */
import { describe, expect, it } from "vitest";
import {
  type Design,
  type Measured,
  MONTH_SECONDS,
  monthlyCost,
  PRICES,
  sizeForwarder,
  total,
} from "./model.ts";

const MIB = 2 ** 20;
const measured: Measured = {
  statusMsPerCluster: 400,
  reconcileMs: 500,
  reconcileLogBytes: 0,
  forwarderBaseBytes: 96 * MIB,
  forwarderBytesPerCluster: 0.5 * MIB,
};
const design: Design = {
  forwarderMaxClustersPerShard: 1000,
  forwarderEverySeconds: 300,
  forwarderWindowSeconds: 310,
  forwarderFill: 0.8,
  forwarderPeakFill: 0.9,
  resyncEverySeconds: 3600,
  statusEverySeconds: 60,
  statusMemoryMb: 512,
  statusConcurrency: 32,
  reconcileMemoryMb: 512,
  admitMemoryMb: 256,
  admitMs: 50,
  metrics: 11,
  alarms: 15,
  platformLogBytesPerInvocation: 700,
  summaryLogBytes: 400,
  emfBytesPerInvocation: 800,
  idleQueuePollsPerMinute: 15,
};

describe("sizeForwarder", () => {
  it("gives each shard the least memory, in 64 MB steps, that holds its clusters within the fill", () => {
    expect(sizeForwarder(1, measured, design)).toEqual({ shards: 1, memoryMb: 128 });
    // (96 + 100 × 0.5) / 0.8 = 182.5 MB → 192
    expect(sizeForwarder(100, measured, design)).toEqual({ shards: 1, memoryMb: 192 });
    // (96 + 1000 × 0.5) / 0.8 = 745 MB → 768
    expect(sizeForwarder(1000, measured, design)).toEqual({ shards: 1, memoryMb: 768 });
    // 834 clusters per shard: (96 + 834 × 0.5) / 0.8 = 641 MB → 704
    expect(sizeForwarder(2500, measured, design)).toEqual({ shards: 3, memoryMb: 704 });
  });

  it("sizes from the peak when the peak over the peak fill needs more than the clusters over the fill", () => {
    const peaky = { ...measured, forwarderPeakOverheadBytes: 100 * MIB };
    // held 96 + 100 × 0.5 = 146 MB: 146 / 0.8 = 182.5, (146 + 100) / 0.9 = 273.3 MB → 320
    expect(sizeForwarder(100, peaky, design)).toEqual({ shards: 1, memoryMb: 320 });
    // held 596 MB: 596 / 0.8 = 745, (596 + 100) / 0.9 = 773.3 MB → 832
    expect(sizeForwarder(1000, peaky, design)).toEqual({ shards: 1, memoryMb: 832 });
    // a small overhead leaves the fill in charge: (596 + 20) / 0.9 = 684.4 < 745 → 768
    expect(sizeForwarder(1000, { ...measured, forwarderPeakOverheadBytes: 20 * MIB }, design)).toEqual({
      shards: 1,
      memoryMb: 768,
    });
  });
});

describe("monthlyCost", () => {
  it("bills a forwarder shard as always running, windows overlapping", () => {
    const [forwarder] = monthlyCost(1000, measured, design);
    const windows = MONTH_SECONDS / 300;
    const expected = windows * 310 * 0.75 * PRICES.lambdaGbSecond + windows * PRICES.lambdaRequest;
    expect(forwarder?.usd).toBeCloseTo(expected, 2);
    expect(forwarder?.item).toContain("1 shard(s) of 768 MB");
  });

  it("grows with clusters only through the forwarder, the status runs, resyncs and logs", () => {
    const one = monthlyCost(1, measured, design);
    const thousand = monthlyCost(1000, measured, design);
    const fixed = ["metrics", "alarms", "dashboard", "idle queue"];
    for (const name of fixed)
      expect(thousand.find((l) => l.item.startsWith(name))?.usd).toBe(
        one.find((l) => l.item.startsWith(name))?.usd,
      );
    expect(total(thousand)).toBeGreaterThan(total(one));
    const resync = thousand.find((l) => l.item.startsWith("resync"));
    const passes = (MONTH_SECONDS / 3600) * 1000;
    const perPass =
      PRICES.eventBridgeEvent +
      2 * PRICES.lambdaRequest +
      3 * PRICES.sqsFifoRequest +
      (0.5 * 0.5 + 0.05 * 0.25) * PRICES.lambdaGbSecond;
    expect(resync?.usd).toBeCloseTo(passes * perPass, 2);
  });
});
