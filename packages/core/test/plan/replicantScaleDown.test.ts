import { ANNOTATION_LEAVING_SINCE, ANNOTATION_POD_DELETION_COST } from "@emqx-reconciler/api";
import type { V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  chooseLeaving,
  LEAVING_DELETION_COST,
  LEAVING_EVACUATION_BOUND_SECONDS,
} from "../../src/plan/replicantScaleDown.ts";
import type { EmqxView, Plan } from "../../src/plan/types.ts";
import { makeCr, SimulatedCluster } from "./simulatedCluster.ts";
import { driveToReady } from "./toReady.ts";

function replicantReplicas(p: Plan): number | undefined {
  return (p.apply.find((o) => o.kind === "ReplicaSet") as V1ReplicaSet | undefined)?.spec?.replicas;
}

function replicantPods(sim: SimulatedCluster): V1Pod[] {
  return sim.pods.filter((p) => p.metadata?.ownerReferences?.[0]?.kind === "ReplicaSet");
}

/** A Ready cluster of 2 cores and 4 replicants, replicant `i` holding `sessions[i]` sessions. */
function fourReplicants(edition: string, sessions: number[]): SimulatedCluster {
  const sim = new SimulatedCluster(makeCr({ replicantTemplate: { spec: { replicas: 4 } } }), { edition });
  driveToReady(sim);
  setSessions(sim, sessions);
  return sim;
}

/** Makes the API report `sessions[i]` on the i-th replicant pod (by name). */
function setSessions(sim: SimulatedCluster, sessions: number[]): void {
  sim.api = undefined;
  const view = sim.view();
  if (view.state !== "ok") throw new Error("expected a readable API");
  const ips = replicantPods(sim)
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""))
    .map((p) => p.status?.podIP);
  const nodes = view.nodes.map((n) => {
    const i = ips.indexOf(n.node.split("@")[1]);
    return i < 0 ? n : { ...n, connections: sessions[i] ?? 0, live_connections: sessions[i] ?? 0 };
  });
  sim.api = { ...view, nodes };
}

function scaleReplicantsTo(sim: SimulatedCluster, replicas: number): void {
  sim.cr.spec = { ...(sim.cr.spec as object), replicantTemplate: { spec: { replicas } } };
}

function leavingNames(sim: SimulatedCluster): string[] {
  return replicantPods(sim)
    .filter((p) => p.metadata?.annotations?.[ANNOTATION_LEAVING_SINCE] !== undefined)
    .map((p) => p.metadata?.name ?? "")
    .sort();
}

describe("plan: replicant scale-down chooses who leaves", () => {
  it("open-source: marks the two emptiest pods first, then lowers the ReplicaSet, which removes exactly those", () => {
    // Prepare
    const sim = fourReplicants("Opensource", [30, 0, 20, 5]);
    const names = replicantPods(sim)
      .map((p) => p.metadata?.name ?? "")
      .sort();
    scaleReplicantsTo(sim, 2);

    // Act
    const marking = sim.step();
    const lowering = sim.step();

    // Assess
    expect(replicantReplicas(marking)).toBe(4);
    expect(marking.evacuation).toBeUndefined();
    expect(marking.podAnnotations.map((a) => a.pod).sort()).toEqual([names[1], names[3]].sort());
    expect(marking.podAnnotations[0]?.annotations[ANNOTATION_POD_DELETION_COST]).toBe(LEAVING_DELETION_COST);
    expect(marking.events.map((e) => e.reason)).toContain("ReplicantsLeaving");
    expect(replicantReplicas(lowering)).toBe(2);
    expect(lowering.evacuation).toBeUndefined();
    expect(
      replicantPods(sim)
        .map((p) => p.metadata?.name)
        .sort(),
    ).toEqual([names[0], names[2]].sort());
  });

  it("Enterprise: evacuates each leaving node before the ReplicaSet is lowered", () => {
    // Prepare
    const sim = fourReplicants("Enterprise", [30, 10, 20, 5]);
    const names = replicantPods(sim)
      .map((p) => p.metadata?.name ?? "")
      .sort();
    scaleReplicantsTo(sim, 2);
    sim.step();
    expect(leavingNames(sim)).toEqual([names[1], names[3]].sort());

    // Act: the first leaving node is evacuated, then the second while the first reports no session
    const first = sim.step();
    const firstNode = first.evacuation?.node ?? "";
    const view = sim.view() as Extract<EmqxView, { state: "ok" }>;
    sim.api = { ...view, evacuations: [{ node: firstNode, state: "evicting_conns" }] };
    const second = sim.step();
    setSessions(sim, [30, 0, 20, 0]);
    const lowering = sim.step();

    // Assess
    expect(replicantReplicas(first)).toBe(4);
    expect(first.evacuation).toMatchObject({ wait_health_check: 0, conn_evict_rate: 1000 });
    expect(first.evacuation?.migrate_to).toHaveLength(2); // the staying replicants
    expect(first.evacuation?.migrate_to).not.toContain(firstNode);
    expect(first.events.map((e) => e.reason)).toContain("NodeEvacuation");
    expect(first.requeueAfterSeconds).toBe(5);
    expect(replicantReplicas(second)).toBe(4);
    expect(second.evacuation?.node).toBeDefined();
    expect(second.evacuation?.node).not.toBe(firstNode);
    expect(replicantReplicas(lowering)).toBe(2);
    expect(
      replicantPods(sim)
        .map((p) => p.metadata?.name)
        .sort(),
    ).toEqual([names[0], names[2]].sort());
  });

  it("Enterprise: replicants → 0 evacuates to the cores, never to another leaving replicant", () => {
    // Prepare
    const sim = fourReplicants("Enterprise", [30, 10, 20, 5]);
    scaleReplicantsTo(sim, 0);
    sim.step();

    // Act
    const first = sim.step();

    // Assess
    const cores = (first.status.coreNodes ?? []).map((n) => n.node).sort();
    expect(cores).toHaveLength(2);
    expect(first.evacuation?.migrate_to?.slice().sort()).toEqual(cores);
    expect(replicantReplicas(first)).toBe(4);
  });

  it("Enterprise: removes a node that never drains once the bound has passed", () => {
    // Prepare
    const sim = fourReplicants("Enterprise", [30, 10, 20, 5]);
    scaleReplicantsTo(sim, 3);
    sim.step();
    const holding = sim.step();

    // Act
    sim.now += LEAVING_EVACUATION_BOUND_SECONDS * 1000;
    const lowering = sim.step();

    // Assess
    expect(replicantReplicas(holding)).toBe(4);
    expect(replicantReplicas(lowering)).toBe(3);
    expect(replicantPods(sim)).toHaveLength(3);
  });

  it("does not touch a scale-up or an unchanged size", () => {
    // Prepare
    const sim = fourReplicants("Enterprise", [1, 1, 1, 1]);
    scaleReplicantsTo(sim, 5);

    // Act
    const p = sim.step();

    // Assess
    expect(replicantReplicas(p)).toBe(5);
    expect(p.podAnnotations).toEqual([]);
  });
});

describe("chooseLeaving", () => {
  const pod = (name: string, uid: string, ready: boolean, createdMin: number, marked = false): V1Pod => ({
    metadata: {
      name,
      uid,
      creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, createdMin)),
      annotations: marked ? { [ANNOTATION_LEAVING_SINCE]: "2026-01-01T00:00:00Z" } : {},
    },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  });
  const node = (uid: string, connections: number) => ({
    name: uid,
    node: uid,
    podUID: uid,
    node_status: "running",
    connections,
  });

  it("takes marked pods, then not-ready ones, then the fewest connections, then the newest", () => {
    // Prepare
    const pods = [
      pod("a", "a", true, 0),
      pod("b", "b", true, 1),
      pod("c", "c", false, 2),
      pod("d", "d", true, 3),
      pod("e", "e", true, 4, true),
    ];
    const nodes = [node("a", 5), node("b", 1), node("c", 50), node("d", 5), node("e", 99)];

    // Act
    const order = chooseLeaving(pods, nodes, 5).map((p) => p.metadata?.name);

    // Assess
    expect(order).toEqual(["e", "c", "b", "d", "a"]);
    expect(chooseLeaving(pods, nodes, 0)).toEqual([]);
  });

  it("breaks a full tie by name, the later name first, in plain code-unit order with no locale", () => {
    // Prepare: equal rank on every other key; the names differ only where `-`, `.` and digits sort
    const pods = ["emqx-r-a.1", "emqx-r-a-1", "emqx-r-a1", "emqx-r-b"].map((n) => pod(n, n, true, 0));
    const nodes = pods.map((p) => node(p.metadata?.uid ?? "", 3));

    // Act
    const order = chooseLeaving(pods, nodes, 4).map((p) => p.metadata?.name);

    // Assess
    expect(order).toEqual(["emqx-r-b", "emqx-r-a1", "emqx-r-a.1", "emqx-r-a-1"]);
  });
});
