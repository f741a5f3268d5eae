import type { EmqxStatus } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import {
  computeFailureReason,
  isFailureReported,
  planWriteFailure,
  type WriteFailure,
} from "../../src/plan/writeFailure.ts";
import { sortConditions } from "../../src/status/conditions.ts";

const FAILURE: WriteFailure = {
  verb: "apply",
  kind: "StatefulSet",
  namespace: "mqtt",
  name: "emqx-core-abc",
  fields: ['spec.template.spec.containers[name="emqx"].env'],
  detail: '500 InternalError: duplicate entries for key [name="X"]',
};
const T0 = new Date("2026-01-01T00:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const INITIALIZED = {
  type: "Initialized",
  status: "True" as const,
  reason: "Initialized",
  message: "initialized EMQX cluster",
  lastTransitionTime: "2026-01-01T00:00:00Z",
};

describe("planWriteFailure", () => {
  const first = planWriteFailure({
    status: { conditions: [INITIALIZED] },
    prior: {},
    failure: FAILURE,
    now: T0,
    generation: 2,
  });

  it("adds ReconcileFailed to the pass's status, naming the write, the object and the field", () => {
    expect(first.status.conditions).toEqual([
      INITIALIZED,
      {
        type: "ReconcileFailed",
        status: "True",
        observedGeneration: 2,
        lastTransitionTime: "2026-01-01T00:00:00Z",
        reason: "ApplyStatefulSetFailed",
        message:
          'apply StatefulSet mqtt/emqx-core-abc failed: field spec.template.spec.containers[name="emqx"].env: 500 InternalError: duplicate entries for key [name="X"]',
      },
    ]);
    expect(isFailureReported(first.status)).toBe(true);
  });

  it("plans one Warning event for a new failure and none while the same one repeats", () => {
    expect(first.events).toEqual([
      { type: "Warning", reason: "ReconcilerFailed", message: first.status.conditions?.[1]?.message },
    ]);
    const again = planWriteFailure({
      status: { conditions: [INITIALIZED] },
      prior: first.status,
      failure: FAILURE,
      now: at(30),
      generation: 2,
    });
    expect(again.events).toEqual([]);
    expect(again.status).toEqual(first.status);
  });

  it("plans a new event when the failure says something new or the spec changed", () => {
    const other = { ...FAILURE, fields: ["spec.replicas"], detail: "422 Invalid" };
    expect(
      planWriteFailure({ status: {}, prior: first.status, failure: other, now: at(5), generation: 2 }).events,
    ).toHaveLength(1);
    expect(
      planWriteFailure({ status: {}, prior: first.status, failure: FAILURE, now: at(5), generation: 3 })
        .events,
    ).toHaveLength(1);
  });

  it("backs off exponentially from 5 s, as long as the failure has lasted, up to 5 min", () => {
    expect(first.requeueAfterSeconds).toBe(5);
    const waits = [5, 10, 20, 40, 80, 160, 320, 3600].map(
      (s) =>
        planWriteFailure({ status: {}, prior: first.status, failure: FAILURE, now: at(s) })
          .requeueAfterSeconds,
    );
    expect(waits).toEqual([5, 10, 20, 40, 80, 160, 300, 300]);
  });

  it("keeps the lifecycle state first for kubectl get", () => {
    const status: EmqxStatus = { conditions: sortConditions([INITIALIZED]) };
    const report = planWriteFailure({ status, prior: {}, failure: FAILURE, now: T0 });
    expect(report.status.conditions?.map((c) => c.type)).toEqual(["Initialized", "ReconcileFailed"]);
  });
});

describe("computeFailureReason", () => {
  it("is one CamelCase word per verb and kind", () => {
    expect(computeFailureReason({ ...FAILURE, verb: "update", kind: "EMQX" })).toBe("UpdateEMQXFailed");
    expect(computeFailureReason({ ...FAILURE, verb: "create", kind: "Secret" })).toBe("CreateSecretFailed");
  });
});
