import { describe, expect, it } from "vitest";
import { computeEvacuationProgress, type Evacuation } from "../../src/emulator/evacuation.ts";

const ev: Evacuation = {
  connEvictRate: 10,
  sessEvictRate: 5,
  waitTakeoverS: 2,
  waitHealthCheckS: 3,
  migrateTo: ["emqx@b"],
  startedAt: 0,
  initialConnected: 20,
  initialSessions: 20,
};

describe("computeEvacuationProgress", () => {
  it("walks the EMQX states in order as time passes", () => {
    const at = (s: number) => computeEvacuationProgress(ev, s * 1000);
    expect(at(0)).toEqual({ state: "waiting_health_check", currentConnected: 20, currentSessions: 20 });
    expect(at(4)).toEqual({ state: "evicting_conns", currentConnected: 10, currentSessions: 20 });
    expect(at(5.5).state).toBe("waiting_takeover");
    expect(at(8)).toEqual({ state: "evicting_sessions", currentConnected: 0, currentSessions: 15 });
    expect(at(11)).toEqual({ state: "prohibiting", currentConnected: 0, currentSessions: 0 });
  });
});
