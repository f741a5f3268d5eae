/** Which watch window resyncs: exactly one per period on the schedule's grid, whatever the scheduler's jitter. */
import { describe, expect, it } from "vitest";
import { isResyncWindow } from "../../../src/workflows/forward/watchWindow.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("isResyncWindow", () => {
  it("picks one window in twelve for hourly resyncs of 5-minute windows, with up to 2 minutes of jitter", () => {
    const origin = Date.parse("2026-12-02T00:03:00Z");
    for (const jitter of [-120_000, -4_000, 0, 7_000, 119_000]) {
      const picks = Array.from({ length: 24 * 12 }, (_, i) => origin + i * 5 * MINUTE + jitter).filter(
        (start) => isResyncWindow(start, 5 * MINUTE, HOUR),
      );
      expect(picks).toHaveLength(24);
      for (let i = 1; i < picks.length; i++) expect((picks[i] ?? 0) - (picks[i - 1] ?? 0)).toBe(HOUR);
    }
  });

  it("resyncs every window when the period is not longer than the cadence", () => {
    expect(isResyncWindow(Date.parse("2026-12-02T00:07:13Z"), 5 * MINUTE, 5 * MINUTE)).toBe(true);
    expect(isResyncWindow(Date.parse("2026-12-02T00:07:13Z"), 15_000, 0)).toBe(true);
  });
});
