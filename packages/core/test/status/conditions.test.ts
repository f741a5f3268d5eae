import type { Condition } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { currentState, removeConditions, setCondition, sortConditions } from "../../src/status/conditions.ts";
import { applyLifecycle, type LifecycleFacts } from "../../src/status/lifecycle.ts";

const T1 = "2026-01-01T00:00:00Z";
const T2 = "2026-01-01T00:05:00Z";

const facts = (over: Partial<LifecycleFacts> = {}): LifecycleFacts => ({
  coreReady: true,
  replicantsExist: true,
  replicantReady: true,
  converged: true,
  ...over,
});

describe("setCondition (meta.SetStatusCondition semantics)", () => {
  it("stamps a new condition with now and the generation", () => {
    // Act
    const out = setCondition([], { type: "Ready", reason: "Ready", message: "Cluster is ready" }, T1, 4);

    // Assess
    expect(out).toEqual([
      {
        type: "Ready",
        status: "True",
        observedGeneration: 4,
        lastTransitionTime: T1,
        reason: "Ready",
        message: "Cluster is ready",
      },
    ]);
  });

  it("keeps lastTransitionTime when only the reason or message changes", () => {
    // Prepare
    const before = setCondition(
      [],
      { type: "CoreNodesProgressing", reason: "CreateNewStatefulSet", message: "a" },
      T1,
    );

    // Act
    const out = setCondition(
      before,
      { type: "CoreNodesProgressing", reason: "UpdateStatefulSet", message: "b" },
      T2,
      2,
    );

    // Assess
    expect(out[0]).toMatchObject({
      reason: "UpdateStatefulSet",
      message: "b",
      lastTransitionTime: T1,
      observedGeneration: 2,
    });
  });

  it("moves lastTransitionTime when the status changes", () => {
    // Prepare
    const before = setCondition([], { type: "X", reason: "R", message: "m", status: "False" }, T1);

    // Act
    const out = setCondition(before, { type: "X", reason: "R", message: "m" }, T2);

    // Assess
    expect(out[0]?.lastTransitionTime).toBe(T2);
  });

  it("removes by type", () => {
    const out = removeConditions(setCondition([], { type: "A", reason: "A", message: "" }, T1), ["A"]);
    expect(out).toEqual([]);
  });
});

describe("sortConditions: the first True condition is the current state", () => {
  it("orders lifecycle stages furthest first, then our problem reports, then foreign conditions", () => {
    // Prepare
    const mk = (type: string): Condition => ({
      type,
      status: "True",
      lastTransitionTime: T1,
      reason: type,
      message: "",
    });
    const input = [
      "Foreign",
      "NodeStatusStale",
      "CoreNodesProgressing",
      "InvalidSpec",
      "Ready",
      "CoreNodesReady",
      "Available",
    ].map(mk);

    // Act
    const out = sortConditions(input).map((c) => c.type);

    // Assess
    expect(out).toEqual([
      "Ready",
      "Available",
      "CoreNodesReady",
      "CoreNodesProgressing",
      "InvalidSpec",
      "NodeStatusStale",
      "Foreign",
    ]);
    expect(currentState(sortConditions(input))).toBe("Ready");
  });
});

describe("applyLifecycle: the operator's state machine, level-triggered", () => {
  it("a converged core+replicant cluster lists the operator's six conditions", () => {
    // Act
    const out = sortConditions(applyLifecycle([], facts(), T1, 1));

    // Assess
    expect(out.map((c) => c.type)).toEqual([
      "Ready",
      "Available",
      "ReplicantNodesReady",
      "ReplicantNodesProgressing",
      "CoreNodesReady",
      "CoreNodesProgressing",
    ]);
    expect(out.every((c) => c.status === "True")).toBe(true);
    expect(out.find((c) => c.type === "CoreNodesReady")?.message).toBe("Core nodes is ready");
  });

  it("progress backwards removes the later stages and keeps the times of the rest", () => {
    // Prepare
    const ready = applyLifecycle([], facts(), T1, 1);

    // Act
    const out = sortConditions(
      applyLifecycle(ready, facts({ replicantReady: false, replicantReason: "UpdateReplicaSet" }), T2, 2),
    );

    // Assess
    expect(out.map((c) => [c.type, c.reason, c.lastTransitionTime])).toEqual([
      ["ReplicantNodesProgressing", "UpdateReplicaSet", T1],
      ["CoreNodesReady", "CoreNodesReady", T1],
      ["CoreNodesProgressing", "CoreNodesProgressing", T1],
    ]);
    expect(currentState(out)).toBe("ReplicantNodesProgressing");
  });

  it("a stage that comes back gets a new lastTransitionTime (what initialDelaySeconds counts from)", () => {
    // Prepare
    const ready = applyLifecycle([], facts(), T1, 1);
    const dropped = applyLifecycle(ready, facts({ coreReady: false }), T1, 1);

    // Act
    const back = applyLifecycle(dropped, facts(), T2, 1);

    // Assess
    expect(back.find((c) => c.type === "Available")?.lastTransitionTime).toBe(T2);
    expect(back.find((c) => c.type === "CoreNodesProgressing")?.lastTransitionTime).toBe(T1);
  });

  it("drops the operator's Initialized condition and leaves foreign ones alone", () => {
    // Prepare
    const prior: Condition[] = [
      {
        type: "Initialized",
        status: "True",
        lastTransitionTime: T1,
        reason: "Initialized",
        message: "initialized EMQX cluster",
      },
      { type: "Foreign", status: "False", lastTransitionTime: T1, reason: "X", message: "" },
    ];

    // Act
    const out = applyLifecycle(prior, facts({ coreReady: false }), T2, 1).map((c) => c.type);

    // Assess
    expect(out).toEqual(["Foreign", "CoreNodesProgressing"]);
  });
});
