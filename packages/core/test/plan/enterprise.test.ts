import { describe, expect, it } from "vitest";
import { computeApiReads, globalStatusBusy, mustCheckAvailability } from "../../src/plan/apiReads.ts";
import type { EmqxView } from "../../src/plan/types.ts";
import { makeCr, SimulatedCluster } from "./simulatedCluster.ts";
import { driveToReady } from "./toReady.ts";

function readyCluster(): SimulatedCluster {
  const sim = new SimulatedCluster(makeCr({ replicantTemplate: undefined }), {
    edition: "Enterprise",
    connections: 5,
  });
  return driveToReady(sim);
}

function startUpdate(sim: SimulatedCluster): void {
  (sim.cr.spec as { image: string }).image = "emqx/emqx:5.8.7";
  for (let i = 0; i < 20 && sim.state() !== "Available"; i++) sim.step();
  sim.now += 60_000;
}

describe("plan: EMQX Enterprise", () => {
  it("evacuates a core with sessions before removing it, then waits for prohibiting", () => {
    // Prepare
    const sim = readyCluster();
    startUpdate(sim);

    // Act
    const p = sim.plan();

    // Assess
    expect(p.scale).toEqual([]);
    expect(p.evacuation).toMatchObject({
      node: expect.stringMatching(/^emqx@emqx-core-[a-z0-9]+-1\.emqx-headless/),
      conn_evict_rate: 1000,
      sess_evict_rate: 1000,
      wait_takeover: 10,
    });
    expect(p.evacuation?.migrate_to).toHaveLength(2);
    expect(
      (p.evacuation?.migrate_to ?? []).every((n) => !n.includes(p.evacuation?.node.split(".")[0] ?? "?")),
    ).toBe(true);
    expect(p.events).toEqual([expect.objectContaining({ reason: "NodeEvacuation" })]);
    expect(p.requeueAfterSeconds).toBe(5);

    // Act: EMQX reports the evacuation in progress, then done.
    const view = sim.view() as Extract<EmqxView, { state: "ok" }>;
    const node = p.evacuation?.node ?? "";
    const busy = sim.plan({ api: { ...view, evacuations: [{ node, state: "evicting_sessions" }] } });
    const done = sim.plan({ api: { ...view, evacuations: [{ node, state: "prohibiting" }] } });

    // Assess
    expect(busy.scale).toEqual([]);
    expect(busy.evacuation).toBeUndefined();
    expect(busy.status.nodeEvacuationsStatus).toEqual([{ node, state: "evicting_sessions" }]);
    expect(done.scale.map((s) => [s.kind, s.replicas])).toEqual([["StatefulSet", 1]]);
  });

  it("uses availability_check for the gate of Enterprise ≥ 5.0.3 pods", () => {
    // Prepare
    const sim = readyCluster();
    const view = sim.view() as Extract<EmqxView, { state: "ok" }>;
    const [first] = sim.pods;
    const uid = first?.metadata?.uid ?? "";

    // Act
    const p = sim.plan({ api: { ...view, availability: { [uid]: "unavailable" } } });
    const reads = computeApiReads(sim.cr, sim.observed(), view.nodes);

    // Assess
    expect(p.podConditions).toEqual([expect.objectContaining({ uid, status: "False" })]);
    expect(reads.evacuations).toBe(true);
    expect(reads.liveConfig).toBe(true);
    expect(reads.availabilityChecks.map((c) => c.podUID).sort()).toEqual(
      sim.pods.map((x) => x.metadata?.uid).sort(),
    );
  });

  it("marks the pods already serving, asked again only while global_status shows something running", () => {
    // Prepare
    const sim = readyCluster();
    const view = sim.view() as Extract<EmqxView, { state: "ok" }>;
    const [first] = sim.pods;
    const gate = first?.status?.conditions?.find((c) => c.type === "apps.emqx.io/on-serving");
    if (gate) gate.status = "False";

    // Act
    const checks = computeApiReads(sim.cr, sim.observed(), view.nodes).availabilityChecks;

    // Assess
    const opening = checks.filter((c) => !c.serving);
    expect(opening.map((c) => c.podUID)).toEqual([first?.metadata?.uid]);
    expect(checks.filter((c) => c.serving)).toHaveLength(sim.pods.length - 1);
    const [serving] = checks.filter((c) => c.serving);
    const [notServing] = opening;
    if (!serving || !notServing) throw new Error("expected one serving and one opening pod");
    expect(mustCheckAvailability(serving, false)).toBe(false);
    expect(mustCheckAvailability(serving, true)).toBe(true);
    expect(mustCheckAvailability(serving, undefined)).toBe(true);
    expect(mustCheckAvailability(notServing, false)).toBe(true);
  });

  it("reads global_status as busy when any of its lists has an entry, unknown when it was not read", () => {
    expect(globalStatusBusy({ status: "enabled", evacuations: [], rebalances: [] })).toBe(false);
    expect(globalStatusBusy({ status: "enabled", evacuations: [{ node: "emqx@a" }], rebalances: [] })).toBe(
      true,
    );
    expect(globalStatusBusy({ status: "enabled", evacuations: [], purges: [{ node: "emqx@b" }] })).toBe(true);
    expect(globalStatusBusy(undefined)).toBeUndefined();
  });

  it("R31 an open-source cluster scales an old core set down without evacuation, which only Enterprise has", () => {
    // Prepare
    const sim = driveToReady(
      new SimulatedCluster(makeCr({ replicantTemplate: undefined }), { connections: 5 }),
    );
    startUpdate(sim);

    // Act
    const p = sim.plan();

    // Assess
    expect(p.evacuation).toBeUndefined();
    expect(p.events.map((e) => e.reason)).not.toContain("NodeEvacuation");
    expect(p.scale.map((s) => [s.kind, s.replicas])).toEqual([["StatefulSet", 1]]);
  });

  it("open-source clusters need neither global_status nor availability checks", () => {
    const sim = new SimulatedCluster();
    for (let i = 0; i < 3; i++) sim.step();
    const view = sim.view() as Extract<EmqxView, { state: "ok" }>;
    const reads = computeApiReads(sim.cr, sim.observed(), view.nodes);
    expect(reads).toEqual({ liveConfig: true, evacuations: false, availabilityChecks: [] });
  });
});
