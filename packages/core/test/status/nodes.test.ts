import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { ApiNode } from "../../src/plan/types.ts";
import { countNodes, matchNodes } from "../../src/status/nodes.ts";

function pod(name: string, role: "core" | "replicant", ip: string, owner = "sts-uid"): V1Pod {
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      labels: { "apps.emqx.io/instance": "emqx", "apps.emqx.io/db-role": role },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "StatefulSet", name: "x", uid: owner, controller: true },
      ],
    },
    status: { podIP: ip },
  };
}

const coreNode = (pod: string, domain = "cluster.local"): ApiNode => ({
  node: `emqx@${pod}.emqx-headless.ns.svc.${domain}`,
  node_status: "running",
  role: "core",
  version: "5.8.6",
});

describe("matchNodes", () => {
  it("gives a replicant's node to the pod that holds its IP now, not to a terminating pod that held it before", () => {
    const leaving = pod("emqx-replicant-old-x", "replicant", "10.0.0.9", "old-rs");
    leaving.metadata = { ...leaving.metadata, deletionTimestamp: new Date("2026-12-03T00:00:00Z") };
    const arrived = pod("emqx-replicant-new-y", "replicant", "10.0.0.9", "new-rs");
    const node: ApiNode = { node: "emqx@10.0.0.9", node_status: "running", role: "replicant" };

    expect(matchNodes([node], [leaving, arrived]).replicant).toEqual([
      expect.objectContaining({ podUID: "uid-emqx-replicant-new-y", controllerUID: "new-rs" }),
    ]);
    // Only the terminating pod has it: the node is still its own.
    expect(matchNodes([node], [leaving]).replicant).toEqual([
      expect.objectContaining({ podUID: "uid-emqx-replicant-old-x" }),
    ]);
  });

  it("keeps the API's order and, like the operator's omitempty fields, leaves out 0 and empty values", () => {
    // Prepare
    const pods = [pod("emqx-core-abc-0", "core", "10.0.0.1"), pod("emqx-core-abc-1", "core", "10.0.0.2")];
    const nodes: ApiNode[] = [
      {
        ...coreNode("emqx-core-abc-1"),
        edition: "Opensource",
        connections: 0,
        live_connections: 0,
        otp_release: "",
      },
      { ...coreNode("emqx-core-abc-0"), connections: 2, live_connections: 1 },
    ];

    // Act
    const out = matchNodes(nodes, pods).core;

    // Assess
    expect(out).toEqual([
      {
        name: "emqx@emqx-core-abc-1.emqx-headless.ns.svc.cluster.local",
        node: "emqx@emqx-core-abc-1.emqx-headless.ns.svc.cluster.local",
        node_status: "running",
        version: "5.8.6",
        role: "core",
        edition: "Opensource",
        controllerUID: "sts-uid",
        podUID: "uid-emqx-core-abc-1",
      },
      expect.objectContaining({ podUID: "uid-emqx-core-abc-0", connections: 2, live_connections: 1 }),
    ]);
  });

  it("matches core nodes by '<pod>.' so …-1 never claims …-10", () => {
    // Prepare: 12 cores.
    const pods = Array.from({ length: 12 }, (_, i) => pod(`emqx-core-abc-${i}`, "core", `10.0.0.${i}`));
    const nodes = [coreNode("emqx-core-abc-10"), coreNode("emqx-core-abc-1"), coreNode("emqx-core-abc-11")];

    // Act
    const out = matchNodes(nodes, pods).core;

    // Assess
    expect(out.map((n) => [n.node, n.podUID])).toEqual([
      ["emqx@emqx-core-abc-10.emqx-headless.ns.svc.cluster.local", "uid-emqx-core-abc-10"],
      ["emqx@emqx-core-abc-1.emqx-headless.ns.svc.cluster.local", "uid-emqx-core-abc-1"],
      ["emqx@emqx-core-abc-11.emqx-headless.ns.svc.cluster.local", "uid-emqx-core-abc-11"],
    ]);
  });

  it("works for any clusterDomain", () => {
    const out = matchNodes(
      [coreNode("emqx-core-abc-0", "corp.example")],
      [pod("emqx-core-abc-0", "core", "10.0.0.1")],
    );
    expect(out.core).toHaveLength(1);
  });

  it("matches replicants by pod IP and carries name, node, controllerUID and podUID", () => {
    // Prepare
    const nodes: ApiNode[] = [
      {
        node: "emqx@10.0.1.7",
        node_status: "running",
        role: "replicant",
        edition: "Opensource",
        connections: 4,
        live_connections: 3,
      },
      { node: "emqx@10.0.1.99", node_status: "running", role: "replicant" },
    ];

    // Act
    const out = matchNodes(nodes, [pod("emqx-replicant-x-abcde", "replicant", "10.0.1.7", "rs-uid")]);

    // Assess
    expect(out.replicant).toEqual([
      {
        name: "emqx@10.0.1.7",
        node: "emqx@10.0.1.7",
        node_status: "running",
        role: "replicant",
        edition: "Opensource",
        controllerUID: "rs-uid",
        podUID: "uid-emqx-replicant-x-abcde",
        connections: 4,
        live_connections: 3,
      },
    ]);
  });

  it("skips pods without a controller and nodes of other clusters", () => {
    // Prepare
    const orphan = pod("emqx-core-abc-0", "core", "10.0.0.1");
    if (orphan.metadata) orphan.metadata.ownerReferences = [];

    // Act
    const out = matchNodes([coreNode("emqx-core-abc-0"), coreNode("other-core-0")], [orphan]);

    // Assess
    expect(out.core).toEqual([]);
  });

  it("counts running nodes and nodes per set; stopped cores count for their set only", () => {
    // Prepare
    const pods = [pod("a-0", "core", "1", "new"), pod("a-1", "core", "2", "old")];
    const nodes = matchNodes(
      [{ ...coreNode("a-0") }, { ...coreNode("a-1"), node_status: "Stopped" }],
      pods,
    ).core;

    // Act
    const counts = countNodes(nodes, "new", "old");

    // Assess
    expect(counts).toEqual({ readyReplicas: 1, updateReplicas: 1, currentReplicas: 1 });
  });
});
