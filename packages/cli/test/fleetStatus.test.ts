/** `status` rows: phase, counts, version, revision and the reason, from `.status` alone. */
import { describe, expect, it } from "vitest";
import { filterRows, fleetRow, renderFleetTable } from "../src/fleetStatus.ts";

const READY = {
  metadata: { name: "emqx", namespace: "prod" },
  spec: {
    image: "emqx/emqx:5.8.6",
    coreTemplate: { spec: { replicas: 2 } },
    replicantTemplate: { spec: { replicas: 3 } },
  },
  status: {
    conditions: [
      { type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:02:00Z" },
      { type: "Available", status: "True", lastTransitionTime: "2026-01-01T00:01:00Z" },
    ],
    coreNodes: [{ version: "5.8.6-g1" }],
    coreNodesStatus: { readyReplicas: 2, updateRevision: "abcdefghij" },
    replicantNodesStatus: { readyReplicas: 3 },
  },
};

const STUCK = {
  metadata: { name: "edge", namespace: "dev" },
  spec: { image: "registry.local:5000/emqx:5.9.0", coreTemplate: { spec: { replicas: 1 } } },
  status: {
    conditions: [
      { type: "CoreNodesProgressing", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" },
      { type: "NodeStatusStale", status: "True", message: "api down" },
      {
        type: "PodsNotReady",
        status: "True",
        message: "1 pod not ready: Unschedulable: edge-core-x-0: 0/3 nodes",
      },
    ],
  },
};

describe("fleetRow", () => {
  it("reads phase, counts, the nodes' version, the revision and the newest transition", () => {
    expect(fleetRow("eu", READY)).toEqual({
      cluster: "eu",
      namespace: "prod",
      name: "emqx",
      phase: "Ready",
      ready: true,
      cores: { ready: 2, desired: 2 },
      replicants: { ready: 3, desired: 3 },
      version: "5.8.6-g1",
      revision: "abcdefghij",
      lastTransition: "2026-01-01T00:02:00Z",
    });
  });

  it("gives the blocking reason first and the image tag when no node answered", () => {
    const row = fleetRow("us", STUCK);
    expect(row).toMatchObject({
      phase: "CoreNodesProgressing",
      ready: false,
      version: "5.9.0",
      revision: "-",
    });
    expect(row.reason).toBe("PodsNotReady: 1 pod not ready: Unschedulable: edge-core-x-0: 0/3 nodes");
    expect(row.replicants).toBeUndefined();
  });
});

describe("filterRows and renderFleetTable", () => {
  it("filters by namespace and readiness, sorted by cluster", () => {
    const rows = [fleetRow("us", STUCK), fleetRow("eu", READY), fleetRow("eu", STUCK)];
    expect(filterRows(rows, { notReady: true }).map((r) => r.cluster)).toEqual(["eu", "us"]);
    expect(filterRows(rows, { namespace: "prod" }).map((r) => r.name)).toEqual(["emqx"]);
  });

  it("prints one padded line per CR and one per unreadable cluster", () => {
    const text = renderFleetTable(
      [fleetRow("eu", READY), fleetRow("us", STUCK)],
      [{ cluster: "ap", error: "timeout" }],
      200,
    );
    expect(text.split("\n")).toEqual([
      "CLUSTER  NAMESPACE/NAME  PHASE                 CORES  REPLICANTS  VERSION   REVISION    LAST TRANSITION       REASON",
      "eu       prod/emqx       Ready                 2/2    3/3         5.8.6-g1  abcdefghij  2026-01-01T00:02:00Z  -",
      "us       dev/edge        CoreNodesProgressing  0/1    -           5.9.0     -           2026-01-01T00:00:00Z  PodsNotReady: 1 pod not ready: Unschedulable: edge-core-x-0: 0/3 nodes",
      "ap: cannot list EMQX CRs: timeout",
      "",
    ]);
  });
});
