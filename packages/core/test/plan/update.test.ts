import type { V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/types.ts";
import { makeCr, SimulatedCluster } from "./simulatedCluster.ts";
import { driveToReady } from "./toReady.ts";

function readyCluster(spec: Record<string, unknown> = {}): SimulatedCluster {
  return driveToReady(new SimulatedCluster(makeCr(spec)));
}

function changeSpec(sim: SimulatedCluster, patch: (spec: Record<string, unknown>) => void): void {
  patch(sim.cr.spec as Record<string, unknown>);
  sim.cr.metadata.generation = (sim.cr.metadata.generation ?? 1) + 1;
}

function replicas(sim: SimulatedCluster, kind: "StatefulSet" | "ReplicaSet"): Record<string, number> {
  return Object.fromEntries(sim.setsOf(kind).map((s) => [s.metadata?.name ?? "", s.spec?.replicas ?? 0]));
}

describe("plan: updates", () => {
  it("template change creates a new hashed set and blue-green scales the old one down one pod at a time", () => {
    // Prepare
    const sim = readyCluster();
    const [oldCore] = sim.setsOf("StatefulSet").map((s) => s.metadata?.name);
    const [oldRepl] = sim.setsOf("ReplicaSet").map((s) => s.metadata?.name);
    changeSpec(sim, (spec) => {
      spec.image = "emqx/emqx:5.8.7";
    });

    // Act
    const plans: Plan[] = [];
    const history: Array<Record<string, number>> = [];
    for (let i = 0; i < 60 && !(plans.length > 0 && sim.state() === "Ready"); i++) {
      plans.push(sim.step());
      history.push({ ...replicas(sim, "StatefulSet"), ...replicas(sim, "ReplicaSet") });
    }

    // Assess: new sets with new hashes, both old sets retired to 0 one pod per pass, then Ready again.
    expect(sim.state()).toBe("Ready");
    const first = plans[0];
    expect(first?.status.conditions?.[0]).toMatchObject({
      type: "CoreNodesProgressing",
      reason: "CreateNewStatefulSet",
    });
    const newCore = first?.apply.find((o) => o.kind === "StatefulSet")?.metadata?.name;
    expect(newCore).not.toBe(oldCore);
    expect(replicas(sim, "StatefulSet")).toEqual({ [oldCore ?? ""]: 0, [newCore ?? ""]: 2 });
    const repl = replicas(sim, "ReplicaSet");
    expect(repl[oldRepl ?? ""]).toBe(0);
    expect(Object.values(repl).sort()).toEqual([0, 3]);
    expect(plans.every((p) => p.scale.length <= 1)).toBe(true);
    const steps = plans.flatMap((p) => p.scale);
    expect(steps.map((s) => [s.kind, s.replicas])).toEqual([
      ["ReplicaSet", 2],
      ["ReplicaSet", 1],
      ["ReplicaSet", 0],
      ["StatefulSet", 1],
      ["StatefulSet", 0],
    ]);
    // Old sets only ever shrink, by one.
    for (const name of [oldCore, oldRepl]) {
      const seen = history.map((h) => h[name ?? ""] ?? 0);
      for (let i = 1; i < seen.length; i++)
        expect((seen[i - 1] ?? 0) - (seen[i] ?? 0)).toBeGreaterThanOrEqual(0);
    }
    // Replicant victims were marked for the ReplicaSet controller first.
    expect(plans.flatMap((p) => p.podAnnotations)).toHaveLength(3);
    const status = sim.cr.status as {
      coreNodesStatus: { currentRevision: string; updateRevision: string };
    };
    expect(status.coreNodesStatus.currentRevision).toBe(status.coreNodesStatus.updateRevision);
  });

  it("waits initialDelaySeconds after Available, then waitTakeover between deletions", () => {
    // Prepare
    const sim = readyCluster({
      updateStrategy: { initialDelaySeconds: 30, evacuationStrategy: { waitTakeover: 20 } },
    });
    changeSpec(sim, (spec) => {
      spec.image = "emqx/emqx:5.8.7";
    });
    let p = sim.step();
    for (let i = 0; i < 20 && !p.status.conditions?.some((c) => c.type === "Available"); i++) p = sim.step();
    const availableAt = Date.parse(
      p.status.conditions?.find((c) => c.type === "Available")?.lastTransitionTime ?? "",
    );

    // Assess: the pass that reached Available asked to come back when the delay is over.
    expect(p.scale).toEqual([]);
    expect(p.requeueAfterSeconds).toBe(31);

    // Act: the first step after the delay, then the one right after it.
    sim.now = availableAt + 31_000;
    const firstStep = sim.step({});
    const tooSoon = sim.plan();

    // Assess
    expect(firstStep.scale.map((s) => s.replicas)).toEqual([2]);
    expect(tooSoon.scale).toEqual([]);
    expect(tooSoon.requeueAfterSeconds).toBeGreaterThan(15);
    expect(tooSoon.requeueAfterSeconds).toBeLessThanOrEqual(20);
  });

  it("R37 never decrements an old set twice before its controller acted", () => {
    // Prepare: run the update until the first scale-down step is planned.
    const sim = readyCluster();
    changeSpec(sim, (spec) => {
      spec.image = "emqx/emqx:5.8.7";
    });
    let p = sim.plan();
    for (let i = 0; i < 30 && p.scale.length === 0; i++) {
      sim.applyPlan(p);
      sim.settle();
      sim.now += (p.requeueAfterSeconds ?? 1) * 1000;
      p = sim.plan();
    }
    expect(p.scale).toHaveLength(1);

    // Act: the step is written, but the ReplicaSet controller has not removed the pod yet; time passes.
    sim.applyPlan(p);
    sim.now += 3_600_000;
    const again = sim.plan();

    // Assess
    expect(again.scale).toEqual([]);
    expect(again.podAnnotations).toEqual([]);
  });

  it("old-set pods leave the Services once Available (on-serving False)", () => {
    // Prepare
    const sim = readyCluster();
    const oldUids = new Set(sim.pods.map((p) => p.metadata?.uid));
    changeSpec(sim, (spec) => {
      spec.image = "emqx/emqx:5.8.7";
    });

    // Act
    const plans: Plan[] = [];
    for (let i = 0; i < 10; i++) plans.push(sim.step());

    // Assess
    const switched = plans.flatMap((p) => p.podConditions).filter((c) => oldUids.has(c.uid));
    expect(switched.length).toBeGreaterThan(0);
    expect(switched.every((c) => c.status === "False")).toBe(true);
    const firstSwitch = plans.findIndex((p) => p.podConditions.some((c) => oldUids.has(c.uid)));
    expect(plans[firstSwitch]?.status.conditions?.some((c) => c.type === "Available")).toBe(true);
  });

  it("replicas change scales in place (no new set)", () => {
    // Prepare
    const sim = readyCluster();
    const before = sim.setsOf("StatefulSet").map((s) => s.metadata?.name);
    changeSpec(sim, (spec) => {
      spec.coreTemplate = { spec: { replicas: 3 } };
    });

    // Act
    const p = sim.step();

    // Assess
    const sets = p.apply.filter((o) => o.kind === "StatefulSet") as V1StatefulSet[];
    expect(sets.map((s) => s.metadata?.name)).toEqual(before);
    expect(sets[0]?.spec?.replicas).toBe(3);
    expect(p.status.conditions?.[0]).toMatchObject({
      type: "CoreNodesProgressing",
      reason: "UpdateStatefulSet",
    });
    expect(p.status.conditions?.some((c) => c.type === "Ready")).toBe(false);
    expect(p.events.map((e) => e.reason)).toContain("Updated");
    for (let i = 0; i < 10 && sim.state() !== "Ready"; i++) sim.step();
    expect(sim.state()).toBe("Ready");
    expect(sim.setsOf("StatefulSet")).toHaveLength(1);
    expect((sim.cr.status as { coreNodes: unknown[] }).coreNodes).toHaveLength(3);
  });

  it("R37 a rollback during an update switches back to the current set and retires the abandoned one", () => {
    // Prepare: start an image update, then revert it before the new cores are ready.
    const sim = readyCluster();
    const [oldCore] = sim.setsOf("StatefulSet").map((s) => s.metadata?.name);
    changeSpec(sim, (spec) => {
      spec.image = "emqx/emqx:5.8.7";
    });
    sim.step();
    changeSpec(sim, (spec) => {
      spec.image = "emqx/emqx:5.8.6";
    });

    // Act
    const revert = sim.step();
    for (let i = 0; i < 40 && sim.state() !== "Ready"; i++) sim.step();

    // Assess
    // The reverted-to set is ready at once, so the cluster is Available (not Ready: the abandoned set still runs).
    expect(revert.status.conditions?.map((c) => c.type)[0]).toBe("Available");
    expect(revert.status.conditions?.find((c) => c.type === "CoreNodesProgressing")?.reason).toBe(
      "RevertStatefulSet",
    );
    expect(revert.apply.find((o) => o.kind === "StatefulSet")?.metadata?.name).toBe(oldCore);
    expect(sim.state()).toBe("Ready");
    const live = sim.setsOf("StatefulSet").filter((s) => (s.spec?.replicas ?? 0) > 0);
    expect(live.map((s) => s.metadata?.name)).toEqual([oldCore]);
  });

  it("deletes retired sets beyond revisionHistoryLimit, oldest first", () => {
    // Prepare
    const sim = readyCluster({ revisionHistoryLimit: 1 });
    const original = sim.setsOf("StatefulSet").map((s) => s.metadata?.name)[0];

    // Act: two image updates leave two retired core sets; only one may be kept.
    for (const image of ["emqx/emqx:5.8.7", "emqx/emqx:5.8.8"]) {
      changeSpec(sim, (spec) => {
        spec.image = image;
      });
      sim.step();
      for (let i = 0; i < 60 && sim.state() !== "Ready"; i++) sim.step();
    }
    const deletes = sim.plans.flatMap((p) => p.delete.map((d) => `${d.kind}/${d.name}`));

    // Assess
    expect(deletes).toContain(`StatefulSet/${original}`);
    expect(sim.setsOf("StatefulSet")).toHaveLength(2);
    expect(sim.setsOf("ReplicaSet")).toHaveLength(2);
  });
});
