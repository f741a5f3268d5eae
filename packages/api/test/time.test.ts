import { describe, expect, it } from "vitest";
import { isoSeconds, isoTime } from "../src/time.ts";

describe("isoSeconds", () => {
  it("drops the fraction, as Kubernetes stores times", () => {
    expect(isoSeconds(new Date("2026-01-02T03:04:05.999Z"))).toBe("2026-01-02T03:04:05Z");
  });

  it("keeps a whole second as it is", () => {
    expect(isoSeconds(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("2026-01-02T03:04:05Z");
  });
});

describe("isoTime", () => {
  it("writes what toISOString writes, milliseconds included", () => {
    const times = [
      0,
      1,
      999,
      1_700_000_000_123,
      Date.UTC(2026, 11, 31, 23, 59, 59, 5),
      Date.UTC(2000, 1, 29, 12),
    ];
    for (const ms of times) expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
  });

  it("pads years below 1000 and leaves years past 9999 to toISOString", () => {
    expect(isoTime(new Date(Date.UTC(812, 0, 1)))).toBe("0812-01-01T00:00:00.000Z");
    expect(isoTime(new Date(Date.UTC(12026, 0, 1)))).toBe("+012026-01-01T00:00:00.000Z");
  });

  it("refuses an invalid date as toISOString does", () => {
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});
