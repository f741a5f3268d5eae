import type { EmqxStatus } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { statusAwaitsPending } from "../../src/plan/statusDefer.ts";
import type { PodConditionChange } from "../../src/plan/types.ts";
import { SimulatedCluster } from "./simulatedCluster.ts";

const T = "2026-01-01T00:00:00Z";
const progressing = [
  {
    type: "CoreNodesProgressing",
    status: "True" as const,
    reason: "CreateNewStatefulSet",
    message: "Creating a new StatefulSet",
    lastTransitionTime: T,
  },
];
const stored: EmqxStatus = { conditions: progressing, coreNodesStatus: { replicas: 2, readyReplicas: 0 } };
const counted: EmqxStatus = { conditions: progressing, coreNodesStatus: { replicas: 2, readyReplicas: 2 } };

function pod(uid: string, ready: boolean, gate?: "True" | "False"): V1Pod {
  const conditions = [
    { type: "ContainersReady", status: "True" },
    { type: "Ready", status: ready ? "True" : "False" },
    ...(gate ? [{ type: "apps.emqx.io/on-serving", status: gate }] : []),
  ];
  return { metadata: { uid }, status: { conditions } };
}
/** A pod of set `owner`. */
function owned(p: V1Pod, owner: string): V1Pod {
  return {
    ...p,
    metadata: {
      ...p.metadata,
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: owner, uid: owner, controller: true },
      ],
    },
  };
}
function set(uid: string, readyReplicas: number) {
  return { metadata: { uid }, status: { replicas: 3, readyReplicas } };
}
function gate(uid: string, status: PodConditionChange["status"]): PodConditionChange {
  return { pod: uid, uid, status, lastTransitionTime: T };
}

describe("statusAwaitsPending", () => {
  it("leaves a counts-only change to the pass that the opened gates start", () => {
    expect(
      statusAwaitsPending(stored, counted, { gates: [gate("a", "True")], pods: [pod("a", false)], sets: [] }),
    ).toBe(true);
    // Opened by an earlier pass, the pod not Ready yet: still coming.
    expect(
      statusAwaitsPending(stored, counted, { gates: [], pods: [pod("a", false, "True")], sets: [] }),
    ).toBe(true);
  });

  it("leaves a counts-only change to the pass that a set's coming count of its Ready pods starts", () => {
    const pods = ["a", "b", "c"].map((uid) => owned(pod(uid, true, "True"), "rs"));
    expect(statusAwaitsPending(stored, counted, { gates: [], pods, sets: [set("rs", 2)] })).toBe(true);
    expect(statusAwaitsPending(stored, counted, { gates: [], pods, sets: [set("rs", 3)] })).toBe(false);
  });

  it("writes at once when a condition changes, when no gate opens, or when the gated pod is Ready already", () => {
    const ready: EmqxStatus = {
      ...counted,
      conditions: [
        {
          type: "CoreNodesReady",
          status: "True",
          reason: "CoreNodesReady",
          message: "",
          lastTransitionTime: T,
        },
      ],
    };
    expect(
      statusAwaitsPending(stored, ready, { gates: [gate("a", "True")], pods: [pod("a", false)], sets: [] }),
    ).toBe(false);
    expect(statusAwaitsPending(stored, counted, { gates: [], pods: [pod("a", false)], sets: [] })).toBe(
      false,
    );
    expect(
      statusAwaitsPending(stored, counted, { gates: [], pods: [pod("a", true, "True")], sets: [] }),
    ).toBe(false);
    expect(
      statusAwaitsPending(stored, counted, {
        gates: [gate("a", "False")],
        pods: [pod("a", false)],
        sets: [],
      }),
    ).toBe(false);
    expect(
      statusAwaitsPending(stored, counted, { gates: [gate("a", "True")], pods: [pod("a", true)], sets: [] }),
    ).toBe(false);
    expect(
      statusAwaitsPending(undefined, counted, {
        gates: [gate("a", "True")],
        pods: [pod("a", false)],
        sets: [],
      }),
    ).toBe(false);
  });

  it("in a new cluster, the passes that open gates write no status; the next ones write the counts", () => {
    const sim = new SimulatedCluster();
    sim.step();
    const opening = sim.step();
    expect(opening.podConditions.filter((c) => c.status === "True")).toHaveLength(2);
    expect(opening.statusChanged).toBe(false);
    const next = sim.step();
    expect(next.statusChanged).toBe(true);
    expect(next.status.coreNodesStatus?.readyReplicas).toBe(2);
  });
});
