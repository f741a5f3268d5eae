/**
 * The CR status compared with what the operator 2.2.30 writes for the 2-core / 3-replicant example (reference
 * §1.7, §3.4, §10), on the plan tests' simulated cluster. Our deliberate additions are named where they appear.
 */
import { describe, expect, it } from "vitest";
import { makeCr, World } from "../plan/world.ts";

interface Status {
  conditions: Array<Record<string, unknown>>;
  coreNodes?: Array<Record<string, unknown>>;
  replicantNodes?: Array<Record<string, unknown>>;
  coreNodesStatus: Record<string, unknown>;
  replicantNodesStatus?: Record<string, unknown>;
  replicantSelector?: string;
}

function runToReady(world: World): string[] {
  const seen: string[] = [];
  for (let i = 0; i < 20 && world.state() !== "Ready"; i++) {
    world.step();
    const state = world.state();
    if (state && seen.at(-1) !== state) seen.push(state);
  }
  return seen;
}

describe("fidelity: status of the 2-core / 3-replicant example", () => {
  it("first pass: CoreNodesProgressing (CreateNewStatefulSet) only, and no node lists yet (§1.7 omitempty, §10)", () => {
    const world = new World();
    world.step();
    const status = world.cr.status as Status;
    expect(status.conditions.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ["CoreNodesProgressing", "True", "CreateNewStatefulSet", "Create new statefulSet"],
    ]);
    expect(status).not.toHaveProperty("coreNodes");
    expect(status).not.toHaveProperty("replicantNodes");
  });

  it("reaches Ready through §10's states; Initialized never appears", () => {
    const world = new World();
    const seen = runToReady(world);
    const order = [
      "CoreNodesProgressing",
      "CoreNodesReady",
      "ReplicantNodesProgressing",
      "ReplicantNodesReady",
      "Available",
      "Ready",
    ];
    expect(seen.at(-1)).toBe("Ready");
    expect(seen.map((s) => order.indexOf(s))).toEqual(
      [...seen.map((s) => order.indexOf(s))].sort((a, b) => a - b),
    );
    expect(seen).not.toContain("Initialized");
  });

  it("converged: conditions newest first, all True, the operator's reasons and messages (§1.7, §10)", () => {
    const world = new World();
    runToReady(world);
    const status = world.cr.status as Status;
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

  it("converged: counts equal the spec, revisions set and equal per role (§1.7, §5 e2e)", () => {
    const world = new World();
    runToReady(world);
    const status = world.cr.status as Status;
    const core = world.setsOf("StatefulSet")[0]?.metadata?.labels?.["apps.emqx.io/pod-template-hash"];
    const repl = world.setsOf("ReplicaSet")[0]?.metadata?.labels?.["apps.emqx.io/pod-template-hash"];
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

  it("converged: node entries carry the operator's fields, 0 counts left out (§1.7, §10)", () => {
    const world = new World(makeCr());
    runToReady(world);
    const status = world.cr.status as Status;
    const core = status.coreNodes?.[0] ?? {};
    const sts = world.setsOf("StatefulSet")[0];
    const pod = world.pods.find((p) => p.metadata?.name === `${sts?.metadata?.name}-0`);
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
      world.pods
        .filter((p) => p.metadata?.labels?.["apps.emqx.io/db-role"] === "replicant")
        .map((p) => `emqx@${p.status?.podIP}`),
    );
  });
});
