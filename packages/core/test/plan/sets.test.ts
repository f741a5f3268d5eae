import type { V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { World } from "./world.ts";

describe("plan: update-set naming", () => {
  it("a set from a pass whose status write was lost is reused, not duplicated", () => {
    // Prepare
    const world = new World();
    world.step();
    const [created] = world.setsOf("StatefulSet").map((s) => s.metadata?.name);
    world.cr.status = undefined;

    // Act
    const p = world.plan();

    // Assess
    expect(p.apply.filter((o) => o.kind === "StatefulSet").map((o) => o.metadata?.name)).toEqual([created]);
    expect(p.status.coreNodesStatus?.updateRevision).toBe(created?.split("-").pop());
    expect(p.status.coreNodesStatus?.collisionCount).toBeUndefined();
  });

  it("a taken name with a different template bumps collisionCount into a new name", () => {
    // Prepare: squat the name the plan wants with a set running another template.
    const world = new World();
    const wanted = world.plan().apply.find((o) => o.kind === "StatefulSet") as V1StatefulSet;
    const squatter = structuredClone(wanted);
    if (squatter.spec?.template?.spec)
      squatter.spec.template.spec.containers = [{ name: "emqx", image: "other:1" }];
    world.sets.set(`StatefulSet/${wanted.metadata?.name}`, { ...squatter, kind: "StatefulSet" });

    // Act
    const p = world.plan();

    // Assess
    const name = p.apply.find((o) => o.kind === "StatefulSet")?.metadata?.name;
    expect(name).toMatch(/^emqx-core-[a-z0-9]+$/);
    expect(name).not.toBe(wanted.metadata?.name);
    expect(p.status.coreNodesStatus?.collisionCount).toBe(1);
    expect(p.status.coreNodesStatus?.updateRevision).toBe(name?.split("-").pop());
  });
});
