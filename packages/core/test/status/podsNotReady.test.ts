/** `PodsNotReady`: stuck pods become one condition naming them and one Warning event per new finding. */
import { ConditionType, EventReason, LABEL_INSTANCE } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { findStuckPods, planPodsNotReady, stuckReason } from "../../src/status/podsNotReady.ts";
import { SimulatedCluster } from "../plan/simulatedCluster.ts";

const NOW = "2026-01-01T00:00:00Z";
const LATER = "2026-01-01T00:05:00Z";
const SCHEDULER =
  "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";

function pod(name: string, status: V1Pod["status"], instance = "emqx"): V1Pod {
  return { metadata: { name, uid: `uid-${name}`, labels: { [LABEL_INSTANCE]: instance } }, status };
}

function unschedulable(name: string): V1Pod {
  return pod(name, {
    phase: "Pending",
    conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: SCHEDULER }],
  });
}

function waiting(name: string, reason: string, extra: Record<string, unknown> = {}): V1Pod {
  return pod(name, {
    phase: "Pending",
    conditions: [{ type: "PodScheduled", status: "True" }],
    containerStatuses: [
      {
        name: "emqx",
        image: "unpullable.sandbox.invalid/emqx:5.8.6",
        imageID: "",
        ready: false,
        restartCount: 4,
        state: { waiting: { reason, message: "back-off 40s restarting failed container" } },
        ...extra,
      },
    ],
  });
}

describe("stuckReason", () => {
  it("takes the scheduler's reason and message from PodScheduled", () => {
    expect(stuckReason(unschedulable("emqx-core-0"))).toEqual({
      pod: "emqx-core-0",
      reason: "Unschedulable",
      detail: SCHEDULER,
    });
  });

  it("reports both image pull states as ImagePullBackOff, naming the image and container", () => {
    for (const state of ["ErrImagePull", "ImagePullBackOff"]) {
      expect(stuckReason(waiting("p", state))).toEqual({
        pod: "p",
        reason: "ImagePullBackOff",
        detail: 'image "unpullable.sandbox.invalid/emqx:5.8.6" of container emqx cannot be pulled',
      });
    }
  });

  it("describes a crash loop by restarts and last exit code, not the kubelet's changing back-off text", () => {
    const crashing = waiting("p", "CrashLoopBackOff", {
      lastState: { terminated: { exitCode: 1, reason: "Error" } },
    });
    expect(stuckReason(crashing)?.detail).toBe(
      "container emqx keeps crashing (4 restarts, last exit code 1 (Error))",
    );
  });

  it("says nothing about a pod that is only starting or running", () => {
    expect(stuckReason(pod("p", { phase: "Pending" }))).toBeUndefined();
    expect(stuckReason(waiting("p", "ContainerCreating"))).toBeUndefined();
    expect(
      stuckReason(pod("p", { phase: "Running", conditions: [{ type: "Ready", status: "True" }] })),
    ).toBeUndefined();
  });
});

describe("findStuckPods", () => {
  it("keeps this CR's pods that are not terminating, sorted by name", () => {
    const gone = unschedulable("emqx-core-9");
    gone.metadata = { ...gone.metadata, deletionTimestamp: new Date(NOW) };
    const other = pod("other-core-0", unschedulable("x").status, "other");
    const found = findStuckPods("emqx", [
      unschedulable("emqx-core-1"),
      gone,
      other,
      unschedulable("emqx-core-0"),
    ]);
    expect(found.map((s) => s.pod)).toEqual(["emqx-core-0", "emqx-core-1"]);
  });
});

describe("planPodsNotReady", () => {
  it("sets the condition with the worst reason first and records one Warning event", () => {
    const pods = [waiting("emqx-replicant-a", "ImagePullBackOff"), unschedulable("emqx-core-0")];
    const out = planPodsNotReady([], "emqx", pods, NOW, 2);
    const condition = out.conditions.find((c) => c.type === ConditionType.PodsNotReady);
    expect(condition).toMatchObject({ status: "True", reason: "Unschedulable", observedGeneration: 2 });
    expect(condition?.message).toBe(
      `2 pods not ready: Unschedulable: emqx-core-0: ${SCHEDULER}. ImagePullBackOff: emqx-replicant-a: image "unpullable.sandbox.invalid/emqx:5.8.6" of container emqx cannot be pulled`,
    );
    expect(out.events).toEqual([
      { type: "Warning", reason: EventReason.PodsNotReady, message: condition?.message },
    ]);
  });

  it("records no second event while the finding lasts, and keeps the transition time", () => {
    const pods = [unschedulable("emqx-core-0")];
    const first = planPodsNotReady([], "emqx", pods, NOW, 1);
    const again = planPodsNotReady(first.conditions, "emqx", pods, LATER, 1);
    expect(again.events).toEqual([]);
    expect(again.conditions).toEqual(first.conditions);
  });

  it("records a new event when another pod gets stuck", () => {
    const first = planPodsNotReady([], "emqx", [unschedulable("emqx-core-0")], NOW, 1);
    const more = [unschedulable("emqx-core-0"), unschedulable("emqx-core-1")];
    const next = planPodsNotReady(first.conditions, "emqx", more, LATER, 1);
    expect(next.events).toHaveLength(1);
    expect(next.events[0]?.message).toContain("2 pods not ready: Unschedulable: emqx-core-0, emqx-core-1: ");
  });

  it("names five pods per finding and counts the rest", () => {
    const pods = Array.from({ length: 7 }, (_, i) => unschedulable(`emqx-replicant-${i}`));
    const message = planPodsNotReady([], "emqx", pods, NOW, 1).events[0]?.message ?? "";
    expect(message).toContain("emqx-replicant-4 and 2 more: ");
    expect(message).not.toContain("emqx-replicant-5");
  });

  it("removes the condition once no pod is stuck, without an event", () => {
    const first = planPodsNotReady([], "emqx", [unschedulable("emqx-core-0")], NOW, 1);
    const cleared = planPodsNotReady(first.conditions, "emqx", [], LATER, 1);
    expect(cleared).toEqual({ conditions: [], events: [] });
  });
});

describe("plan with stuck pods", () => {
  it("reports the scheduler's reason on the CR once, and asks for no extra pass", () => {
    const world = new SimulatedCluster();
    world.step();
    const stuck = world.pods[0];
    if (!stuck) throw new Error("the core set made no pod");
    stuck.status = unschedulable("x").status;
    const p = world.step();
    const condition = p.status.conditions?.find((c) => c.type === ConditionType.PodsNotReady);
    expect(condition?.reason).toBe("Unschedulable");
    expect(condition?.message).toBe(`1 pod not ready: Unschedulable: ${stuck.metadata?.name}: ${SCHEDULER}`);
    expect(p.events.filter((e) => e.reason === EventReason.PodsNotReady)).toHaveLength(1);
    expect(p.status.conditions?.[0]?.type).toBe(ConditionType.CoreNodesProgressing);
    expect(p.requeueAfterSeconds).toBeUndefined();
    const again = world.step();
    expect(again.events.filter((e) => e.reason === EventReason.PodsNotReady)).toEqual([]);
    expect(again.statusChanged).toBe(false);
  });
});
