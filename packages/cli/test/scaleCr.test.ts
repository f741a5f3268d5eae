import { describe, expect, it } from "vitest";
import { parseReplicasChange, resolveReplicas } from "../src/scaleCr.ts";

describe("scale verb arguments", () => {
  it("reads absolute counts and changes, nothing else", () => {
    expect(parseReplicasChange("5")).toEqual({ kind: "absolute", value: 5 });
    expect(parseReplicasChange("+1")).toEqual({ kind: "delta", value: 1 });
    expect(parseReplicasChange("-2")).toEqual({ kind: "delta", value: -2 });
    for (const bad of ["", "+", "1.5", "three", "--1"]) expect(parseReplicasChange(bad)).toBeUndefined();
  });

  it("resolves a change against the role's current spec, never below 0", () => {
    const spec = { coreTemplate: { spec: { replicas: 2 } }, replicantTemplate: { spec: { replicas: 3 } } };
    expect(resolveReplicas(spec, "replicant", { kind: "delta", value: 1 })).toBe(4);
    expect(resolveReplicas(spec, "core", { kind: "delta", value: -1 })).toBe(1);
    expect(resolveReplicas(spec, "replicant", { kind: "delta", value: -9 })).toBe(0);
    expect(resolveReplicas(spec, "replicant", { kind: "absolute", value: 7 })).toBe(7);
    expect(resolveReplicas({}, "replicant", { kind: "delta", value: 2 })).toBe(2);
  });
});
