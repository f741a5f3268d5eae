/**
 * The CR status compared with what the operator 2.2.30 writes for the 2-core / 3-replicant example, on the plan tests' simulated cluster. Our deliberate additions are named where they appear.
 */
import { describe, expect, it } from "vitest";
import { makeCr, SimulatedCluster } from "../plan/simulatedCluster.ts";
import { expectOperatorOrder, runToReady } from "../plan/toReady.ts";

interface Status {
  conditions: Array<Record<string, unknown>>;
  coreNodes?: Array<Record<string, unknown>>;
  replicantNodes?: Array<Record<string, unknown>>;
  coreNodesStatus: Record<string, unknown>;
  replicantNodesStatus?: Record<string, unknown>;
  replicantSelector?: string;
}

describe("fidelity: status of the 2-core / 3-replicant example", () => {
  it("first pass: CoreNodesProgressing (CreateNewStatefulSet) only, and no node lists yet (omitempty)", () => {
    const sim = new SimulatedCluster();
    sim.step();
    const status = sim.cr.status as Status;
    expect(status.conditions.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ["CoreNodesProgressing", "True", "CreateNewStatefulSet", "Create new statefulSet"],
    ]);
    expect(status).not.toHaveProperty("coreNodes");
    expect(status).not.toHaveProperty("replicantNodes");
  });

  it("reaches Ready through the operator's states; Initialized never appears", () => {
    const sim = new SimulatedCluster();
    const seen = runToReady(sim);
    expectOperatorOrder(seen);
    expect(seen).not.toContain("Initialized");
  });

  it("converged: conditions newest first, all True, the operator's reasons and messages", () => {
    const sim = new SimulatedCluster();
    runToReady(sim);
    const status = sim.cr.status as Status;
    expect(status.conditions.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ["Ready", "True", "Ready", "Cluster is ready"],
      ["Available", "True", "Available", "Cluster is available"],
      ["ReplicantNodesReady", "True", "ReplicantNodesReady", "Replicant nodes ready"],
      ["ReplicantNodesProgressing", "True", "CreateReplicaSet", "Create new replicaSet"],
      ["CoreNodesReady", "True", "CoreNodesReady", "Core nodes is ready"],
      ["CoreNodesProgressing", "True", "CreateNewStatefulSet", "Create new statefulSet"],
    ]);
    for (const c of status.conditions) {
      // observedGeneration is ours (Kubernetes convention); the operator leaves it out.
      expect(Object.keys(c).sort()).toEqual([
        "lastTransitionTime",
        "message",
        "observedGeneration",
        "reason",
        "status",
        "type",
      ]);
    }
  });

  it("converged: counts equal the spec, revisions set and equal per role", () => {
    const sim = new SimulatedCluster();
    runToReady(sim);
    const status = sim.cr.status as Status;
    const core = sim.setsOf("StatefulSet")[0]?.metadata?.labels?.["apps.emqx.io/pod-template-hash"];
    const repl = sim.setsOf("ReplicaSet")[0]?.metadata?.labels?.["apps.emqx.io/pod-template-hash"];
    expect(status.coreNodesStatus).toEqual({
      replicas: 2,
      readyReplicas: 2,
      currentRevision: core,
      currentReplicas: 2,
      updateRevision: core,
      updateReplicas: 2,
    });
    expect(status.replicantNodesStatus).toEqual({
      replicas: 3,
      readyReplicas: 3,
      currentRevision: repl,
      currentReplicas: 3,
      updateRevision: repl,
      updateReplicas: 3,
    });
  });

  it("converged: node entries carry the operator's fields, 0 counts left out", () => {
    const sim = new SimulatedCluster(makeCr());
    runToReady(sim);
    const status = sim.cr.status as Status;
    const core = status.coreNodes?.[0] ?? {};
    const sts = sim.setsOf("StatefulSet")[0];
    const pod = sim.pods.find((p) => p.metadata?.name === `${sts?.metadata?.name}-0`);
    expect(core).toEqual({
      // `name` is ours (README table: "status node entries"), always equal to `node`.
      name: `emqx@${sts?.metadata?.name}-0.emqx-headless.ns.svc.cluster.local`,
      node: `emqx@${sts?.metadata?.name}-0.emqx-headless.ns.svc.cluster.local`,
      node_status: "running",
      otp_release: "26.2.5-3/14.2.5",
      version: "5.8.6",
      role: "core",
      edition: "Opensource",
      controllerUID: sts?.metadata?.uid,
      podUID: pod?.metadata?.uid,
    });
    expect(status.replicantNodes?.map((n) => n.node)).toEqual(
      sim.pods
        .filter((p) => p.metadata?.labels?.["apps.emqx.io/db-role"] === "replicant")
        .map((p) => `emqx@${p.status?.podIP}`),
    );
  });
});

/**
 * The operator's `EMQXNode` entries for the simulated cluster's running pods, in the API's order: every
 * field `omitempty`, so the fake nodes' 0 session counts are absent.
 */
function operatorNodes(sim: SimulatedCluster, role: "core" | "replicant"): Array<Record<string, unknown>> {
  return sim.pods
    .filter((p) => p.metadata?.labels?.["apps.emqx.io/db-role"] === role)
    .map((p) => ({
      node:
        role === "core"
          ? `emqx@${p.metadata?.name}.emqx-headless.ns.svc.cluster.local`
          : `emqx@${p.status?.podIP}`,
      node_status: "running",
      otp_release: "26.2.5-3/14.2.5",
      version: "5.8.6",
      role,
      edition: "Opensource",
      controllerUID: p.metadata?.ownerReferences?.[0]?.uid,
      podUID: p.metadata?.uid,
    }));
}

/** `EMQXNodesStatus` of a converged role: nothing is 0, so every field is there but the unset collisionCount. */
function operatorRoleStatus(set: { metadata?: { labels?: Record<string, string> } } | undefined, n: number) {
  const hash = set?.metadata?.labels?.["apps.emqx.io/pod-template-hash"];
  return {
    replicas: n,
    readyReplicas: n,
    currentRevision: hash,
    currentReplicas: n,
    updateRevision: hash,
    updateReplicas: n,
  };
}

/** A True condition as the operator writes it; its time is whenever the step ran. */
function operatorCondition(type: string, reason: string, message: string) {
  return { type, status: "True", lastTransitionTime: expect.any(String), reason, message };
}

/**
 * Our status = the operator's plus our deliberate additions, named here: `name` beside `node` on every node entry
 * (README table), `observedGeneration` on every condition (Kubernetes convention), and `replicantSelector` for the
 * scale subresource (crd.ts).
 */
function withOurAdditions(operator: {
  conditions: Array<Record<string, unknown>>;
  coreNodes: Array<Record<string, unknown>>;
  replicantNodes?: Array<Record<string, unknown>>;
}) {
  const named = (nodes: Array<Record<string, unknown>>) => nodes.map((n) => ({ name: n.node, ...n }));
  return {
    ...operator,
    conditions: operator.conditions.map((c) => ({ ...c, observedGeneration: 1 })),
    coreNodes: named(operator.coreNodes),
    ...(operator.replicantNodes ? { replicantNodes: named(operator.replicantNodes) } : {}),
    replicantSelector:
      "apps.emqx.io/instance=emqx,apps.emqx.io/managed-by=emqx-operator,apps.emqx.io/db-role=replicant",
  };
}

describe("fidelity: the converged status as `kubectl get emqx -o yaml` shows it (omitempty)", () => {
  it("core + replicants: the operator's status, field by field", () => {
    const sim = new SimulatedCluster();
    runToReady(sim);
    const operator = {
      conditions: [
        operatorCondition("Ready", "Ready", "Cluster is ready"),
        operatorCondition("Available", "Available", "Cluster is available"),
        operatorCondition("ReplicantNodesReady", "ReplicantNodesReady", "Replicant nodes ready"),
        operatorCondition("ReplicantNodesProgressing", "CreateReplicaSet", "Create new replicaSet"),
        operatorCondition("CoreNodesReady", "CoreNodesReady", "Core nodes is ready"),
        operatorCondition("CoreNodesProgressing", "CreateNewStatefulSet", "Create new statefulSet"),
      ],
      coreNodes: operatorNodes(sim, "core"),
      coreNodesStatus: operatorRoleStatus(sim.setsOf("StatefulSet")[0], 2),
      replicantNodes: operatorNodes(sim, "replicant"),
      replicantNodesStatus: operatorRoleStatus(sim.setsOf("ReplicaSet")[0], 3),
    };
    expect(sim.cr.status).toStrictEqual(withOurAdditions(operator));
  });

  it("core only: `replicantNodesStatus: {}`, a Go struct value that omitempty never drops", () => {
    const cr = makeCr();
    delete (cr.spec as { replicantTemplate?: unknown }).replicantTemplate;
    const sim = new SimulatedCluster(cr);
    runToReady(sim);
    const operator = {
      conditions: [
        operatorCondition("Ready", "Ready", "Cluster is ready"),
        operatorCondition("Available", "Available", "Cluster is available"),
        operatorCondition("CoreNodesReady", "CoreNodesReady", "Core nodes is ready"),
        operatorCondition("CoreNodesProgressing", "CreateNewStatefulSet", "Create new statefulSet"),
      ],
      coreNodes: operatorNodes(sim, "core"),
      coreNodesStatus: operatorRoleStatus(sim.setsOf("StatefulSet")[0], 2),
      replicantNodesStatus: {},
    };
    expect(sim.cr.status).toStrictEqual(withOurAdditions(operator));
    expect(sim.step().statusChanged).toBe(false);
  });

  it("0 counts and empty revisions are absent, not 0 (replicants scaled to 0, the CR Ready again)", () => {
    const sim = new SimulatedCluster();
    runToReady(sim);
    const spec = sim.cr.spec as { replicantTemplate: { spec: { replicas: number } } };
    spec.replicantTemplate.spec.replicas = 0;
    sim.cr.metadata.generation = 2;
    // The first pass only marks the leaving replicants, the next lowers the set; a converged pass changes nothing.
    for (let i = 0; i < 20; i++) sim.step();
    const status = sim.cr.status as Status;
    const hash = sim.setsOf("ReplicaSet")[0]?.metadata?.labels?.["apps.emqx.io/pod-template-hash"];
    expect(sim.state()).toBe("Ready");
    // omitempty: replicas, readyReplicas, currentReplicas and updateReplicas are 0, so omitted; the revisions stay.
    expect(status.replicantNodesStatus).toStrictEqual({ currentRevision: hash, updateRevision: hash });
    expect(status).not.toHaveProperty("replicantNodes");
  });
});
