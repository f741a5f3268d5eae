import { describe, expect, it } from "vitest";
import { parsePriorStatus } from "../../src/status/prior.ts";

describe("parsePriorStatus", () => {
  const raw = {
    coreNodes: [{ node: "emqx@core-0", node_status: "running" }],
    coreNodesStatus: { replicas: 2 },
  };

  it("parses node entries, filling in the name next to the node", () => {
    const status = parsePriorStatus(raw);
    expect(status.coreNodes?.[0]).toMatchObject({ node: "emqx@core-0", name: "emqx@core-0" });
    expect(status.coreNodesStatus?.replicas).toBe(2);
  });

  it("parses one status object once, and a new object anew", () => {
    expect(parsePriorStatus(raw)).toBe(parsePriorStatus(raw));
    const changed = { ...raw, coreNodesStatus: { replicas: 3 } };
    expect(parsePriorStatus(changed)).not.toBe(parsePriorStatus(raw));
    expect(parsePriorStatus(changed).coreNodesStatus?.replicas).toBe(3);
  });

  it("counts a missing or unreadable status as empty", () => {
    expect(parsePriorStatus(undefined)).toEqual({});
    expect(parsePriorStatus({ coreNodes: "not a list" })).toEqual({});
  });
});
