import { describe, expect, it } from "vitest";
import { computeLifecycleEvents } from "../../src/index.ts";

const subject = { cluster: "local", namespace: "mq", name: "emqx", uid: "u-1" };
const now = new Date("2026-06-01T00:00:00Z");

const before = {
  conditions: [{ type: "Ready", status: "True" }],
  coreNodesStatus: { readyReplicas: 2, replicas: 2, currentRevision: "a1" },
  replicantNodesStatus: { readyReplicas: 2, replicas: 3, currentRevision: "r1" },
  coreNodes: [{ node: "emqx@core-0" }, { node: "emqx@core-1" }],
  replicantNodes: [{ node: "emqx@10.0.0.1" }, { node: "emqx@10.0.0.2" }],
  nodeEvacuationsStatus: [{ node: "emqx@10.0.0.9", state: "evicting_conns", stats: { current_sessions: 9 } }],
};

const after = {
  conditions: [{ type: "Available", status: "True" }],
  coreNodesStatus: { readyReplicas: 2, replicas: 2, currentRevision: "a2" },
  replicantNodesStatus: { readyReplicas: 3, replicas: 3, currentRevision: "r1" },
  coreNodes: [{ node: "emqx@core-0" }, { node: "emqx@core-1", node_status: "stopped" }],
  replicantNodes: [{ node: "emqx@10.0.0.2" }, { node: "emqx@10.0.0.3" }, { node: "emqx@10.0.0.4" }],
  nodeEvacuationsStatus: [{ node: "emqx@10.0.0.1", state: "waiting_health_check" }],
};

describe("computeLifecycleEvents", () => {
  it("names every change between two statuses with the CR key, the counts after and a reason", () => {
    const events = computeLifecycleEvents(subject, before, after, now);
    expect(events.map((e) => [e.kind, "node" in e ? e.node : "role" in e ? e.role : `${e.from}`])).toEqual([
      ["PhaseChanged", "Ready"],
      ["NodeStopped", "emqx@core-1"],
      ["NodeJoined", "emqx@10.0.0.3"],
      ["NodeJoined", "emqx@10.0.0.4"],
      ["NodeLeft", "emqx@10.0.0.1"],
      ["RevisionRolled", "core"],
      ["EvacuationStarted", "emqx@10.0.0.1"],
      ["EvacuationDone", "emqx@10.0.0.9"],
      ["ScaleDone", "replicant"],
    ]);
    expect(events[0]).toEqual({
      kind: "PhaseChanged",
      ...subject,
      from: "Ready",
      to: "Available",
      counts: { core: { ready: 2, desired: 2 }, replicant: { ready: 3, desired: 3 } },
      reason: "phase Ready → Available",
      time: "2026-06-01T00:00:00.000Z",
    });
    expect(events.find((e) => e.kind === "RevisionRolled")).toMatchObject({ from: "a1", to: "a2" });
  });

  it("reports evacuation progress, and nothing for an unchanged status", () => {
    const progressed = {
      ...before,
      nodeEvacuationsStatus: [
        { node: "emqx@10.0.0.9", state: "evicting_conns", stats: { current_sessions: 4 } },
      ],
    };
    expect(computeLifecycleEvents(subject, before, progressed, now)).toEqual([
      expect.objectContaining({ kind: "EvacuationProgress", node: "emqx@10.0.0.9", currentSessions: 4 }),
    ]);
    expect(computeLifecycleEvents(subject, before, before, now)).toEqual([]);
  });
});
