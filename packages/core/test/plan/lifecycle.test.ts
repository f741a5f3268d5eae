import type { V1Service } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { makeCr, SimulatedCluster, T0 } from "./simulatedCluster.ts";
import { expectOperatorOrder, OPERATOR_STATES, runToReady } from "./toReady.ts";

/** `sha256sum` of nothing: the annotation records a digest of `config.data`, never the text. */
const EMPTY_DIGEST = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function kinds(objects: ReadonlyArray<{ kind?: string; metadata?: { name?: string } }>): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata?.name}`);
}

function conditionTypes(sim: SimulatedCluster): string[] {
  const status = sim.cr.status as { conditions?: Array<{ type: string }> };
  return (status.conditions ?? []).map((c) => c.type);
}

describe("plan: a new cluster from nothing to Ready", () => {
  it("fresh CR creates secrets, headless svc, configmap, core set", () => {
    // Prepare
    const sim = new SimulatedCluster();

    // Act
    const p = sim.plan();

    // Assess
    expect(kinds(p.create)).toEqual([
      "Secret/emqx-reconciler-state",
      "Secret/emqx-bootstrap-api-key",
      "Secret/emqx-node-cookie",
    ]);
    const applied = kinds(p.apply);
    expect(applied.slice(0, 2)).toEqual(["Service/emqx-headless", "ConfigMap/emqx-configs"]);
    expect(applied[2]).toMatch(/^StatefulSet\/emqx-core-[a-z0-9]+$/);
    expect(applied.slice(3)).toEqual(["PodDisruptionBudget/emqx-core", "PodDisruptionBudget/emqx-replicant"]);
    expect(applied.some((k) => k.startsWith("ReplicaSet/"))).toBe(false);
    expect(p.status.conditions?.map((c) => [c.type, c.reason])).toEqual([
      ["CoreNodesProgressing", "CreateNewStatefulSet"],
    ]);
    const hash = applied[2]?.split("-").pop();
    expect(p.status.coreNodesStatus).toMatchObject({
      replicas: 2,
      updateRevision: hash,
      currentRevision: hash,
    });
    expect(p.crAnnotations).toEqual({ "apps.emqx.io/last-emqx-configuration": EMPTY_DIGEST });
    expect(p.statusChanged).toBe(true);
    expect(p.events.map((e) => e.reason)).toEqual(["Created"]);
    expect(p.requeueAfterSeconds).toBeUndefined();
  });

  it("core pods ready in API → CoreNodesReady → replicant set created", () => {
    // Prepare: the core set exists and its pods' containers are ready, but nobody has opened the gate yet.
    const sim = new SimulatedCluster();
    sim.step();

    // Act: the next pass sees the cores in the EMQX API and opens their readiness gate.
    const gate = sim.step();

    // Assess
    expect(gate.podConditions.map((c) => [c.pod, c.status])).toEqual([
      [expect.stringMatching(/-0$/), "True"],
      [expect.stringMatching(/-1$/), "True"],
    ]);
    expect(kinds(gate.apply).some((k) => k.startsWith("ReplicaSet/"))).toBe(false);

    // Act: with the gate open the StatefulSet reports 2 ready pods.
    const next = sim.step();

    // Assess
    expect(kinds(next.apply).find((k) => k.startsWith("ReplicaSet/"))).toMatch(
      /^ReplicaSet\/emqx-replicant-[a-z0-9]+$/,
    );
    expect(next.status.conditions?.map((c) => [c.type, c.reason])).toEqual([
      ["ReplicantNodesProgressing", "CreateReplicaSet"],
      ["CoreNodesReady", "CoreNodesReady"],
      ["CoreNodesProgressing", "CreateNewStatefulSet"],
    ]);
    expect(kinds(next.apply)).toContain("Service/emqx-dashboard");
    const listeners = next.apply.find((o) => o.metadata?.name === "emqx-listeners") as V1Service;
    expect(listeners.spec?.selector?.["apps.emqx.io/db-role"]).toBe("core");
  });

  it("replicants ready switch the listeners selector", () => {
    // Prepare
    const sim = new SimulatedCluster();
    for (let i = 0; i < 4; i++) sim.step();

    // Act
    const p = sim.plan();

    // Assess
    expect(p.status.replicantNodesStatus?.readyReplicas).toBe(3);
    const listeners = p.apply.find((o) => o.metadata?.name === "emqx-listeners") as V1Service;
    expect(listeners.spec?.selector?.["apps.emqx.io/db-role"]).toBe("replicant");
    const dashboard = p.apply.find((o) => o.metadata?.name === "emqx-dashboard") as V1Service;
    expect(dashboard.spec?.selector?.["apps.emqx.io/db-role"]).toBe("core");
  });

  it("reaches Ready through the operator's states, in the operator's order", () => {
    // Prepare
    const sim = new SimulatedCluster();

    // Act
    const seen = runToReady(sim);

    // Assess: a watcher sees an in-order subsequence of the operator's sequence; the conditions list holds every stage.
    expectOperatorOrder(seen);
    expect(seen).toContain("ReplicantNodesProgressing");
    expect(conditionTypes(sim)).toEqual([...OPERATOR_STATES].reverse());
    expect(sim.plans.length).toBeLessThanOrEqual(6);
    const status = sim.cr.status as { coreNodes: unknown[]; replicantNodes: unknown[] };
    expect(status.coreNodes).toHaveLength(2);
    expect(status.replicantNodes).toHaveLength(3);
    expect(sim.plans.at(-1)?.events.map((e) => e.reason)).toContain("Ready");
  });

  it("converged CR plans no writes", () => {
    // Prepare
    const sim = new SimulatedCluster();
    runToReady(sim);
    sim.step();
    const before = sim.plan();

    // Act
    const p = sim.plan();

    // Assess
    expect(p.statusChanged).toBe(false);
    expect(p.create).toEqual([]);
    expect(p.delete).toEqual([]);
    expect(p.scale).toEqual([]);
    expect(p.podConditions).toEqual([]);
    expect(p.podAnnotations).toEqual([]);
    expect(p.configPush).toBeUndefined();
    expect(p.crAnnotations).toBeUndefined();
    expect(p.events).toEqual([]);
    expect(p.requeueAfterSeconds).toBeUndefined();
    expect(p.apply).toEqual(before.apply);
    expect(p.status).toEqual(sim.cr.status);
    expect(sim.state()).toBe("Ready");
  });

  it("keeps lastTransitionTime of conditions that stay true", () => {
    // Prepare
    const sim = new SimulatedCluster();
    runToReady(sim);
    const first = structuredClone(
      sim.cr.status as { conditions: Array<{ type: string; lastTransitionTime: string }> },
    );
    sim.now += 3_600_000;

    // Act
    sim.step();

    // Assess
    const after = sim.cr.status as { conditions: Array<{ type: string; lastTransitionTime: string }> };
    expect(after.conditions).toEqual(first.conditions);
    expect(Date.parse(after.conditions[0]?.lastTransitionTime ?? "")).toBeGreaterThanOrEqual(T0);
  });

  it("a CR without replicants goes CoreNodesReady → Available → Ready with no replicant conditions", () => {
    // Prepare
    const sim = new SimulatedCluster(makeCr({ replicantTemplate: undefined }));

    // Act
    runToReady(sim);

    // Assess
    expect(conditionTypes(sim)).toEqual(["Ready", "Available", "CoreNodesReady", "CoreNodesProgressing"]);
    expect(sim.setsOf("ReplicaSet")).toHaveLength(0);
  });
});
