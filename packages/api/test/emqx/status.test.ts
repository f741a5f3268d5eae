import { describe, expect, it } from "vitest";
import { EmqxNodeSchema, EmqxStatusSchema } from "../../src/emqx/status.ts";

/** A status as emqx-operator 2.2.30 wrote it: node entries carry `node`, not `name`. */
const operatorStatus = {
  conditions: [
    {
      type: "Ready",
      status: "True",
      reason: "Ready",
      message: "Cluster is ready",
      lastTransitionTime: "2026-01-01T00:00:03Z",
    },
    {
      type: "Available",
      status: "True",
      reason: "Available",
      message: "Cluster is available",
      lastTransitionTime: "2026-01-01T00:00:02Z",
    },
  ],
  coreNodes: [
    {
      node: "emqx@emqx-core-6bb54f9998-0.emqx-headless.default.svc.cluster.local",
      node_status: "running",
      otp_release: "27.3.4.2-4/15.2.7.1",
      version: "6.0.1",
      role: "core",
      edition: "Enterprise",
      controllerUID: "sts-uid",
      podUID: "pod-uid",
      connections: 0,
      live_connections: 0,
    },
  ],
  coreNodesStatus: {
    replicas: 2,
    readyReplicas: 2,
    currentRevision: "6bb54f9998",
    currentReplicas: 2,
    updateRevision: "6bb54f9998",
    updateReplicas: 2,
  },
  replicantNodes: [{ node: "emqx@10.0.0.7", node_status: "running", role: "replicant" }],
  replicantNodesStatus: { replicas: 3, readyReplicas: 1 },
  nodeEvacuationsStatus: [
    {
      node: "emqx@10.0.0.8",
      state: "evicting_conns",
      session_recipients: ["emqx@10.0.0.7"],
      session_goal: 0,
      session_eviction_rate: 500,
      connection_goal: 0,
      connection_eviction_rate: 1000,
      stats: { initial_sessions: 10, initial_connected: 10, current_sessions: 4, current_connected: 3 },
    },
  ],
};

describe("EmqxStatusSchema", () => {
  it("reads the operator's status and adds name next to node", () => {
    // Act
    const status = EmqxStatusSchema.parse(operatorStatus);
    // Assess
    const [core] = status.coreNodes ?? [];
    expect(core?.name).toBe(operatorStatus.coreNodes[0]?.node);
    expect(core?.node).toBe(core?.name);
    expect(status.replicantNodes?.[0]).toMatchObject({ name: "emqx@10.0.0.7", node: "emqx@10.0.0.7" });
    expect(status.nodeEvacuationsStatus).toEqual(operatorStatus.nodeEvacuationsStatus);
    expect(status.conditions).toEqual(operatorStatus.conditions);
  });

  it("keeps the operator's omitted 0 counts absent, so a status reads back as written (omitempty)", () => {
    const status = EmqxStatusSchema.parse({ coreNodesStatus: { replicas: 1 }, replicantNodesStatus: {} });
    expect(status.coreNodesStatus).toEqual({ replicas: 1 });
    expect(status.replicantNodesStatus).toEqual({});
  });

  it("keeps a collisionCount of 0 (a pointer in the operator, present once set)", () => {
    const status = EmqxStatusSchema.parse({ coreNodesStatus: { collisionCount: 0 } });
    expect(status.coreNodesStatus).toEqual({ collisionCount: 0 });
  });
});

describe("EmqxNodeSchema", () => {
  it("accepts name alone (what the EMQX docs show) and fills node", () => {
    expect(EmqxNodeSchema.parse({ name: "emqx@10.0.0.9" })).toEqual({
      name: "emqx@10.0.0.9",
      node: "emqx@10.0.0.9",
    });
  });

  it("rejects an entry with neither name nor node", () => {
    const result = EmqxNodeSchema.safeParse({ node_status: "running" });
    expect(result.error?.issues[0]?.message).toBe("a node entry needs name or node");
  });

  it("keeps the operator's node when both are given", () => {
    expect(EmqxNodeSchema.parse({ name: "emqx@a", node: "emqx@a" })).toEqual({
      name: "emqx@a",
      node: "emqx@a",
    });
  });
});
