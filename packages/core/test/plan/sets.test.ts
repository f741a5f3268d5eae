import { ANNOTATION_CREATED_FOR_GENERATION } from "@emqx-reconciler/api";
import type { V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { SimulatedCluster } from "./simulatedCluster.ts";

describe("plan: update-set naming", () => {
  it("a set from a pass whose status write was lost is reused, not duplicated", () => {
    // Prepare
    const sim = new SimulatedCluster();
    sim.step();
    const [created] = sim.setsOf("StatefulSet").map((s) => s.metadata?.name);
    sim.cr.status = undefined;

    // Act
    const p = sim.plan();

    // Assess
    expect(p.apply.filter((o) => o.kind === "StatefulSet").map((o) => o.metadata?.name)).toEqual([created]);
    expect(p.status.coreNodesStatus?.updateRevision).toBe(created?.split("-").pop());
    expect(p.status.coreNodesStatus?.collisionCount).toBeUndefined();
  });

  it("a taken name held by another owner's set bumps collisionCount into a new name", () => {
    // Prepare: squat the name the plan wants with a set of another CR (say, one deleted and not yet collected).
    const sim = new SimulatedCluster();
    const wanted = sim.plan().apply.find((o) => o.kind === "StatefulSet") as V1StatefulSet;
    const squatter = structuredClone(wanted);
    if (squatter.metadata) squatter.metadata.ownerReferences = [ownerRef("an-older-cr")];
    if (squatter.spec?.template?.spec)
      squatter.spec.template.spec.containers = [{ name: "emqx", image: "other:1" }];
    sim.sets.set(`StatefulSet/${wanted.metadata?.name}`, { ...squatter, kind: "StatefulSet" });

    // Act
    const p = sim.plan();

    // Assess
    const name = p.apply.find((o) => o.kind === "StatefulSet")?.metadata?.name;
    expect(name).toMatch(/^emqx-core-[a-z0-9]+$/);
    expect(name).not.toBe(wanted.metadata?.name);
    expect(p.status.coreNodesStatus?.collisionCount).toBe(1);
    expect(p.status.coreNodesStatus?.updateRevision).toBe(name?.split("-").pop());
  });

  it("a set carrying the desired name runs the desired template, whatever was added to it since", () => {
    // Prepare: an admission webhook added a label to the pod template of the set we created.
    const sim = new SimulatedCluster();
    sim.step();
    const [set] = sim.setsOf("StatefulSet");
    const labels = set?.spec?.template?.metadata?.labels;
    if (labels) labels["policy.example.com/injected"] = "yes";

    // Act
    const p = sim.plan();

    // Assess
    expect(p.apply.filter((o) => o.kind === "StatefulSet").map((o) => o.metadata?.name)).toEqual([
      set?.metadata?.name,
    ]);
    expect(sim.setsOf("StatefulSet")).toHaveLength(1);
    expect(p.status.conditions?.map((c) => c.type)).not.toContain("TemplateDrift");
  });

  it("stamps a new set with the generation it was created for, and keeps the stamp on later applies", () => {
    // Prepare
    const sim = new SimulatedCluster();

    // Act
    sim.step();
    (sim.cr.spec as { coreTemplate: { spec: { replicas: number } } }).coreTemplate.spec.replicas = 3;
    const resized = sim.plan();

    // Assess
    const [set] = sim.setsOf("StatefulSet");
    expect(set?.metadata?.annotations?.[ANNOTATION_CREATED_FOR_GENERATION]).toBe("1");
    const applied = resized.apply.find((o) => o.kind === "StatefulSet");
    expect(applied?.metadata?.annotations?.[ANNOTATION_CREATED_FOR_GENERATION]).toBe("1");
    expect(sim.cr.metadata.generation).toBe(2);
  });
});

describe("plan: the new-set circuit breaker", () => {
  /** Makes every desired template differ from every live one, as a comparison bug would. */
  function driftingCluster(): SimulatedCluster {
    const sim = new SimulatedCluster();
    sim.step();
    const [set] = sim.setsOf("StatefulSet");
    // The live set no longer carries the desired name and its template changed: nothing identifies it as ours but
    // the generation stamp.
    sim.sets.delete(`StatefulSet/${set?.metadata?.name}`);
    const renamed = structuredClone(set) as V1StatefulSet & { kind: string };
    if (renamed.metadata) renamed.metadata.name = "emqx-core-renamed000";
    if (renamed.spec?.template?.spec) renamed.spec.template.spec.hostname = "not-what-we-asked";
    sim.sets.set("StatefulSet/emqx-core-renamed000", renamed);
    return sim;
  }

  it("refuses a second new set for the same generation and says where the templates differ", () => {
    // Prepare
    const sim = driftingCluster();

    // Act
    const p = sim.plan();

    // Assess
    expect(p.apply.filter((o) => o.kind === "StatefulSet")).toEqual([]);
    const drift = p.status.conditions?.find((c) => c.type === "TemplateDrift");
    expect(drift).toMatchObject({ status: "True", reason: "TemplateDrift", observedGeneration: 1 });
    expect(drift?.message).toContain("StatefulSet emqx-core-renamed000");
    expect(drift?.message).toContain("spec.hostname");
    expect(p.events.filter((e) => e.reason === "TemplateDrift")).toEqual([
      expect.objectContaining({ type: "Warning" }),
    ]);
    expect(p.requeueAfterSeconds).toBe(10);
  });

  it("records one event while the drift lasts, backs off, and never creates a set", () => {
    // Prepare
    const sim = driftingCluster();

    // Act
    const plans = [];
    for (let i = 0; i < 6; i++) {
      plans.push(sim.step());
      sim.now += (plans.at(-1)?.requeueAfterSeconds ?? 1) * 1000;
    }

    // Assess
    expect(sim.setsOf("StatefulSet")).toHaveLength(1);
    expect(plans.flatMap((p) => p.events).filter((e) => e.reason === "TemplateDrift")).toHaveLength(1);
    const delays = plans.map((p) => p.requeueAfterSeconds ?? 0);
    expect(delays[0]).toBe(10);
    expect(delays.at(-1)).toBeGreaterThan(delays[1] ?? 0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(300);
  });

  it("a spec change (new generation) may create one new set again, and the condition clears", () => {
    // Prepare
    const sim = driftingCluster();
    sim.step();

    // Act
    (sim.cr.spec as { image: string }).image = "emqx/emqx:5.8.7";
    const p = sim.step();

    // Assess
    expect(sim.cr.metadata.generation).toBe(2);
    expect(p.apply.filter((o) => o.kind === "StatefulSet")).toHaveLength(1);
    expect(sim.setsOf("StatefulSet")).toHaveLength(2);
    expect(p.status.conditions?.map((c) => c.type)).not.toContain("TemplateDrift");
  });
});

function ownerRef(uid: string) {
  return { apiVersion: "apps.emqx.io/v2beta1", kind: "EMQX", name: "emqx", uid, controller: true };
}
