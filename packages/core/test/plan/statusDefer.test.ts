import type { EmqxStatus } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { statusWaitsForGates } from "../../src/plan/statusDefer.ts";
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
function gate(uid: string, status: PodConditionChange["status"]): PodConditionChange {
  return { pod: uid, uid, status, lastTransitionTime: T };
}

describe("statusWaitsForGates", () => {
  it("leaves a counts-only change to the pass that the opened gates start", () => {
    expect(statusWaitsForGates(stored, counted, [gate("a", "True")], [pod("a", false)])).toBe(true);
    // Opened by an earlier pass, the pod not Ready yet: still coming.
    expect(statusWaitsForGates(stored, counted, [], [pod("a", false, "True")])).toBe(true);
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
    expect(statusWaitsForGates(stored, ready, [gate("a", "True")], [pod("a", false)])).toBe(false);
    expect(statusWaitsForGates(stored, counted, [], [pod("a", false)])).toBe(false);
    expect(statusWaitsForGates(stored, counted, [], [pod("a", true, "True")])).toBe(false);
    expect(statusWaitsForGates(stored, counted, [gate("a", "False")], [pod("a", false)])).toBe(false);
    expect(statusWaitsForGates(stored, counted, [gate("a", "True")], [pod("a", true)])).toBe(false);
    expect(statusWaitsForGates(undefined, counted, [gate("a", "True")], [pod("a", false)])).toBe(false);
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
