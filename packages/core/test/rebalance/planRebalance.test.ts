import { RebalanceSpecSchema } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { planRebalance, type RebalanceTarget } from "../../src/index.ts";

const spec = RebalanceSpecSchema.parse({ instanceName: "emqx", rebalanceStrategy: { connEvictRate: 10 } });
const now = new Date("2026-06-01T00:00:00Z");
const target: RebalanceTarget = {
  ready: true,
  edition: "Enterprise",
  coreNodes: ["emqx@core-0"],
  replicantNodes: ["emqx@10.0.0.1", "emqx@10.0.0.2"],
};

describe("planRebalance", () => {
  it("starts on the first replicant with the operator's body, then reports Processing", () => {
    const first = planRebalance({ spec, status: undefined, deleting: false, target, now });
    expect(first.action).toEqual({
      kind: "start",
      node: "emqx@10.0.0.1",
      body: {
        conn_evict_rate: 10,
        sess_evict_rate: 500,
        wait_takeover: 60,
        wait_health_check: 60,
        abs_conn_threshold: 1000,
        abs_sess_threshold: 1000,
        rel_conn_threshold: 1.1,
        rel_sess_threshold: 1.1,
        nodes: ["emqx@10.0.0.1", "emqx@10.0.0.2"],
      },
    });
    const started = planRebalance({
      spec,
      status: undefined,
      deleting: false,
      target,
      now,
      outcome: { kind: "started" },
    });
    expect(started.status).toMatchObject({ phase: "Processing", startedTime: now.toISOString() });
    expect(started.requeueAfterSeconds).toBe(5);
    expect(planRebalance({ spec, status: started.status, deleting: false, target, now }).action).toEqual({
      kind: "poll",
    });
  });

  it("keeps the coordinator's view while global_status lists it, and completes when it is gone", () => {
    const processing = { phase: "Processing" as const };
    const states = [{ node: "emqx@core-0", coordinator_node: "emqx@core-0", state: "evicting_conns" }];
    const polled = planRebalance({
      spec,
      status: processing,
      deleting: false,
      target,
      now,
      outcome: { kind: "polled", rebalances: states },
    });
    expect(polled.status.rebalanceStates).toEqual(states);
    expect(polled.requeueAfterSeconds).toBe(5);
    const done = planRebalance({
      spec,
      status: polled.status,
      deleting: false,
      target,
      now,
      outcome: { kind: "polled", rebalances: [] },
    });
    expect(done.status).toMatchObject({
      phase: "Completed",
      completedTime: now.toISOString(),
      rebalanceStates: [],
    });
    expect(done.event).toEqual({ type: "Normal", reason: "Rebalance", message: "Rebalance completed" });
    expect(planRebalance({ spec, status: done.status, deleting: false, target, now }).action).toEqual({
      kind: "none",
    });
  });

  it("fails on a missing, unready or open-source target, and on a refused start", () => {
    const failed = (t: RebalanceTarget | undefined) =>
      planRebalance({ spec, status: undefined, deleting: false, target: t, now });
    expect(failed(undefined).status.phase).toBe("Failed");
    expect(failed({ ...target, ready: false }).event?.message).toBe("EMQX emqx is not ready");
    const open = failed({ ...target, edition: "Opensource" });
    expect(open.status.conditions?.[0]).toMatchObject({
      type: "Failed",
      status: "True",
      message: "EMQX emqx is Opensource: only EMQX Enterprise has the load_rebalance API",
    });
    const refused = planRebalance({
      spec,
      status: undefined,
      deleting: false,
      target,
      now,
      outcome: { kind: "start-failed", message: "error on node 'emqx@10.0.0.1': nothing_to_balance" },
    });
    expect(refused.status.phase).toBe("Failed");
  });

  it("stops the coordinator's rebalance when deleted while Processing", () => {
    const status = { phase: "Processing" as const, rebalanceStates: [{ coordinator_node: "emqx@10.0.0.1" }] };
    expect(planRebalance({ spec, status, deleting: true, target, now }).action).toEqual({
      kind: "stop",
      node: "emqx@10.0.0.1",
    });
    expect(
      planRebalance({ spec, status: { phase: "Completed" }, deleting: true, target, now }).action,
    ).toEqual({ kind: "none" });
  });

  it("adds the finalizer before the start and removes it once final", () => {
    expect(planRebalance({ spec, status: undefined, deleting: false, target, now }).finalizer).toBe("add");
    expect(
      planRebalance({ spec, status: undefined, deleting: false, hasFinalizer: true, target, now }).finalizer,
    ).toBeUndefined();
    const done = planRebalance({
      spec,
      status: { phase: "Processing" },
      deleting: false,
      hasFinalizer: true,
      target,
      now,
      outcome: { kind: "polled", rebalances: [] },
    });
    expect(done.status.phase).toBe("Completed");
    expect(done.finalizer).toBe("remove");
    const refused = planRebalance({ spec, status: undefined, deleting: false, target: undefined, now });
    expect(refused.status.phase).toBe("Failed");
    expect(refused.finalizer).toBeUndefined();
  });

  it("removes the finalizer of a deleted Rebalance, with a stop only while Processing and the EMQX is there", () => {
    const status = { phase: "Processing" as const, rebalanceStates: [{ coordinator_node: "emqx@10.0.0.1" }] };
    const withTarget = planRebalance({ spec, status, deleting: true, hasFinalizer: true, target, now });
    const gone = planRebalance({ spec, status, deleting: true, hasFinalizer: true, target: undefined, now });
    expect(withTarget).toMatchObject({ action: { kind: "stop" }, finalizer: "remove" });
    expect(gone).toMatchObject({ action: { kind: "none" }, finalizer: "remove" });
  });
});
