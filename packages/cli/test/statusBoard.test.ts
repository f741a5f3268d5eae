/** What the status table shows for a CR, from the CR as read or written. */
import { describe, expect, it } from "vitest";
import { computePhase, computeRow, StatusBoard } from "../src/statusBoard.ts";

const cr = (
  status: unknown,
  spec: unknown = { coreTemplate: { spec: { replicas: 2 } }, replicantTemplate: { spec: { replicas: 3 } } },
) => ({
  metadata: { namespace: "default", name: "emqx", creationTimestamp: "2026-01-02T03:00:00Z" },
  spec,
  status,
});
const condition = (type: string, status = "True", reason = type) => ({ type, status, reason });

describe("computePhase", () => {
  it("is the first True lifecycle condition, as kubectl get emqx shows it", () => {
    expect(computePhase({ conditions: [condition("Ready"), condition("Available")] })).toEqual({
      phase: "Ready",
      problem: false,
    });
    expect(
      computePhase({ conditions: [condition("Ready", "False"), condition("CoreNodesProgressing")] }).phase,
    ).toBe("CoreNodesProgressing");
    expect(computePhase(undefined)).toEqual({ phase: "Pending", problem: false });
  });

  it("shows the problem instead when the spec is rejected or the API cannot be read", () => {
    expect(
      computePhase({ conditions: [condition("InvalidSpec", "True", "InvalidConfig"), condition("Ready")] }),
    ).toEqual({
      phase: "InvalidConfig",
      problem: true,
    });
    expect(
      computePhase({
        conditions: [condition("Ready"), condition("NodeStatusStale", "True", "ApiUnavailable")],
      }),
    ).toEqual({ phase: "ApiUnavailable", problem: true });
    expect(
      computePhase({
        conditions: [
          condition("CoreNodesProgressing"),
          condition("ReconcileFailed", "True", "ApplyStatefulSetFailed"),
        ],
      }),
    ).toEqual({ phase: "ApplyStatefulSetFailed", problem: true });
  });
});

describe("computeRow", () => {
  it("takes desired counts from the spec (what the user asked) and ready counts from the status", () => {
    const row = computeRow(
      cr({
        coreNodesStatus: { replicas: 2, readyReplicas: 1 },
        replicantNodesStatus: { replicas: 3, readyReplicas: 0 },
      }),
    );
    expect(row).toEqual({
      namespace: "default",
      name: "emqx",
      phase: "Pending",
      problem: false,
      cores: { ready: 1, desired: 2 },
      replicants: { ready: 0, desired: 3 },
      createdAt: new Date("2026-01-02T03:00:00Z"),
    });
  });

  it("has no replicant count for a core-only CR", () => {
    expect(computeRow(cr({}, { coreTemplate: { spec: { replicas: 3 } } })).replicants).toBeUndefined();
  });
});

describe("StatusBoard", () => {
  it("keeps the last event across updates and listings, forgets removed CRs, and reports each change", () => {
    let changes = 0;
    const board = new StatusBoard(() => changes++);
    board.update(cr({}));
    const at = new Date("2026-01-02T03:01:00Z");
    board.noteEvent("default", "emqx", "Ready: Cluster is ready", at);
    board.update(cr({ conditions: [condition("Ready")] }));
    expect(board.list()[0]?.lastEvent).toEqual({ text: "Ready: Cluster is ready", at });
    board.replaceAll([cr({ conditions: [condition("Ready")] })]);
    expect(board.list()[0]?.lastEvent?.text).toBe("Ready: Cluster is ready");
    board.noteEvent("default", "absent", "ignored", at);
    board.remove("default", "emqx");
    expect(board.list()).toEqual([]);
    expect(changes).toBe(5);
  });
});
