import { describe, expect, it } from "vitest";
import { compactLogLine } from "./session.ts";

describe("compactLogLine", () => {
  it("keeps the time of day, the message and the fields that differ between lines", () => {
    const line = {
      time: "2026-12-03T15:37:27.699Z",
      level: "info",
      msg: "Scaled ReplicaSet",
      cluster: "chaos",
      namespace: "chaos",
      child: "chaos-replicant-2ggrfcrpxp",
      replicas: 6,
      changes: "[…]",
    };
    expect(compactLogLine(line)).toBe(
      "15:37:27.699 Scaled ReplicaSet child=chaos-replicant-2ggrfcrpxp replicas=6",
    );
  });

  it("cuts a long line at 240 characters", () => {
    expect(compactLogLine({ time: "2026-12-03T15:37:27.699Z", msg: "x".repeat(500) })).toHaveLength(240);
  });
});
