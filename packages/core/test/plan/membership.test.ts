import type { V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { ApiNode, EmqxView, Plan } from "../../src/plan/types.ts";
import { makeCr, SimulatedCluster } from "./simulatedCluster.ts";
import { runToReady } from "./toReady.ts";

function coreSetReplicas(p: Plan): number | undefined {
  return (p.apply.find((o) => o.kind === "StatefulSet") as V1StatefulSet | undefined)?.spec?.replicas;
}

/** A Ready 3-core world. */
function threeCores(): SimulatedCluster {
  const world = new SimulatedCluster(makeCr({ coreTemplate: { spec: { replicas: 3 } } }));
  runToReady(world);
  return world;
}

/** The world's API answer plus a `stopped` entry for the core pod `pod`. */
function withStopped(world: SimulatedCluster, pod: string): EmqxView {
  const view = world.view();
  if (view.state !== "ok") throw new Error("expected a readable API");
  const stopped: ApiNode = {
    node: `emqx@${pod}.emqx-headless.ns.svc.cluster.local`,
    node_status: "stopped",
    role: "core",
  };
  return { ...view, nodes: [...view.nodes.filter((n) => !n.node.includes(`${pod}.`)), stopped] };
}

function coreSetName(world: SimulatedCluster): string {
  return world.setsOf("StatefulSet")[0]?.metadata?.name ?? "";
}

describe("plan: core scale-down and EMQX membership", () => {
  it("goes down one core at a time", () => {
    // Prepare
    const world = threeCores();
    world.cr.spec = { ...(world.cr.spec as object), coreTemplate: { spec: { replicas: 1 } } };

    // Act
    const p = world.plan();

    // Assess
    expect(coreSetReplicas(p)).toBe(2);
  });

  it("force_leaves a stopped core whose pod is gone for good, and holds the next step until it is gone", () => {
    // Prepare
    const world = threeCores();
    world.cr.spec = { ...(world.cr.spec as object), coreTemplate: { spec: { replicas: 1 } } };
    world.step();
    const set = coreSetName(world);
    const view = withStopped(world, `${set}-2`);

    // Act
    const p = world.plan({ api: view });

    // Assess
    expect(p.forceLeave).toEqual([`emqx@${set}-2.emqx-headless.ns.svc.cluster.local`]);
    expect(coreSetReplicas(p)).toBe(2);
    expect(p.requeueAfterSeconds).toBeLessThanOrEqual(2);
  });

  it("polls while EMQX still lists a departed core as running, and force_leaves it once it is stopped", () => {
    // Prepare: cores 3 → 2 done; EMQX has not yet noticed that the third pod is gone.
    const world = threeCores();
    world.cr.spec = { ...(world.cr.spec as object), coreTemplate: { spec: { replicas: 2 } } };
    world.step();
    const set = coreSetName(world);
    const node = `emqx@${set}-2.emqx-headless.ns.svc.cluster.local`;
    const stopped = withStopped(world, `${set}-2`);
    if (stopped.state !== "ok") throw new Error("expected a readable API");
    const running: EmqxView = {
      ...stopped,
      nodes: stopped.nodes.map((n) => (n.node === node ? { ...n, node_status: "running" } : n)),
    };

    // Act
    const noticing = world.plan({ api: running });
    const noticed = world.plan({ api: stopped });

    // Assess
    expect(noticing.forceLeave).toBeUndefined();
    expect(noticing.requeueAfterSeconds).toBeLessThanOrEqual(2);
    expect(coreSetReplicas(noticing)).toBe(2);
    expect(noticed.forceLeave).toEqual([node]);
  });

  it("R34 does not scale back up into an ordinal EMQX still lists", () => {
    // Prepare
    const world = threeCores();
    world.cr.spec = { ...(world.cr.spec as object), coreTemplate: { spec: { replicas: 2 } } };
    world.step();
    const set = coreSetName(world);
    const view = withStopped(world, `${set}-2`);
    world.cr.spec = { ...(world.cr.spec as object), coreTemplate: { spec: { replicas: 3 } } };

    // Act
    const held = world.plan({ api: view });
    const after = world.plan();

    // Assess
    expect(coreSetReplicas(held)).toBe(2);
    expect(held.forceLeave).toHaveLength(1);
    expect(coreSetReplicas(after)).toBe(3);
    expect(after.forceLeave).toBeUndefined();
  });

  it("R35 with the EMQX API unreadable, core scale-down waits at its size, then goes on one core at a time", () => {
    // Prepare
    const world = threeCores();
    world.cr.spec = { ...(world.cr.spec as object), coreTemplate: { spec: { replicas: 1 } } };
    const down: EmqxView = { state: "error", kind: "unavailable", message: "connection refused" };

    // Act
    const waiting = world.step({ api: down });
    const stillWaiting = world.plan({ api: down });
    const readable = world.step();

    // Assess: no step and no membership call without the API, a retry asked for, one step once it answers.
    expect(coreSetReplicas(waiting)).toBe(3);
    expect(coreSetReplicas(stillWaiting)).toBe(3);
    expect(waiting.forceLeave).toBeUndefined();
    expect(waiting.requeueAfterSeconds).toBeGreaterThan(0);
    expect(waiting.status.conditions?.some((c) => c.type === "NodeStatusStale" && c.status === "True")).toBe(
      true,
    );
    expect(coreSetReplicas(readable)).toBe(2);
  });

  it("leaves the members of a deliberate zero-core pause alone", () => {
    // Prepare
    const world = threeCores();
    world.cr.metadata.annotations = { "apps.emqx.io/allow-zero-cores": "true" };
    world.cr.spec = { ...(world.cr.spec as object), coreTemplate: { spec: { replicas: 0 } } };
    world.step();
    const node = `emqx@${coreSetName(world)}-2.emqx-headless.ns.svc.cluster.local`;
    const view: EmqxView = { state: "ok", nodes: [{ node, node_status: "stopped", role: "core" }] };

    // Act
    const p = world.plan({ api: view });

    // Assess
    expect(coreSetReplicas(p)).toBe(0);
    expect(p.forceLeave).toBeUndefined();
  });
});
