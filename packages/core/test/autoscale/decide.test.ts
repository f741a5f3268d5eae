import { describe, expect, it } from "vitest";
import {
  type AutoscalePolicy,
  type AutoscaleSample,
  decideAutoscale,
  pruneSamples,
  readAutoscalePolicy,
  readLastDecision,
} from "../../src/index.ts";

const policy: AutoscalePolicy = {
  targetConnectionsPerReplicant: 1000,
  min: 2,
  max: 5,
  step: 2,
  scaleUpWindowMs: 10_000,
  scaleDownWindowMs: 30_000,
  cooldownMs: 5_000,
  rebalanceAfterScaleUp: false,
};

/** One sample per second from `from` to `to` (inclusive) holding `connections`. */
function steady(from: number, to: number, connections: number): AutoscaleSample[] {
  const out: AutoscaleSample[] = [];
  for (let at = from; at <= to; at += 1000) out.push({ at, connections });
  return out;
}

describe("decideAutoscale", () => {
  it("scales up only once the load has asked for more over the whole scale-up window, by at most step", () => {
    const samples = steady(0, 9_000, 4_500);
    expect(decideAutoscale({ policy, samples, replicas: 2, now: 9_000 })).toMatchObject({
      action: "hold",
      desired: 5,
    });
    const decision = decideAutoscale({ policy, samples: steady(0, 10_000, 4_500), replicas: 2, now: 10_000 });
    expect(decision).toMatchObject({ action: "scale-up", from: 2, to: 4, desired: 5, connections: 4_500 });
    expect(decision.reason).toBe("4500 live connections over 10s need at least 5 replicants at 1000 each");
  });

  it("targets messages per second as well: the target asking for more replicants wins", () => {
    const both: AutoscalePolicy = { ...policy, targetMessagesPerSecondPerReplicant: 500 };
    const busy = steady(0, 10_000, 1_500).map((s) => ({ ...s, messagesPerSecond: 2_000 }));
    const decision = decideAutoscale({ policy: both, samples: busy, replicas: 2, now: 10_000 });
    expect(decision).toMatchObject({ action: "scale-up", from: 2, to: 4, desired: 4 });
    expect(decision.reason).toBe(
      "1500 live connections and 2000 messages/s over 10s need at least 4 replicants at 1000 connections or 500 messages/s each",
    );
    const { targetConnectionsPerReplicant: _c, ...messagesOnly } = both;
    const quiet = steady(0, 30_000, 9_000).map((s) => ({ ...s, messagesPerSecond: 100 }));
    const down = decideAutoscale({ policy: messagesOnly, samples: quiet, replicas: 4, now: 30_000 });
    expect(down).toMatchObject({ action: "scale-down", from: 4, to: 2 });
    expect(down.reason).toBe("100 messages/s over 30s need at most 2 replicants at 500 messages/s each");
  });

  it("lets one dip inside the window veto a scale-up", () => {
    const samples = [...steady(0, 10_000, 4_500)];
    samples[5] = { at: 5_000, connections: 1_500 };
    expect(decideAutoscale({ policy, samples, replicas: 2, now: 10_000 }).action).toBe("hold");
  });

  it("holds inside the cooldown, then ignores samples taken before the last decision", () => {
    const last = { at: 10_000, from: 2, to: 4 };
    const samples = steady(0, 21_000, 4_500);
    expect(decideAutoscale({ policy, samples, replicas: 4, now: 14_000, last })).toMatchObject({
      action: "hold",
      reason: "cooling down until 5s after the last decision",
    });
    expect(decideAutoscale({ policy, samples, replicas: 4, now: 20_000, last }).action).toBe("hold");
    expect(decideAutoscale({ policy, samples, replicas: 4, now: 21_000, last })).toMatchObject({
      action: "scale-up",
      to: 5,
    });
  });

  it("never goes above max or below min, and scales down after the longer window", () => {
    expect(
      decideAutoscale({ policy, samples: steady(0, 10_000, 90_000), replicas: 5, now: 10_000 }).action,
    ).toBe("hold");
    const low = steady(0, 30_000, 10);
    expect(decideAutoscale({ policy, samples: low.slice(0, 30), replicas: 5, now: 29_000 }).action).toBe(
      "hold",
    );
    expect(decideAutoscale({ policy, samples: low, replicas: 5, now: 30_000 })).toMatchObject({
      action: "scale-down",
      from: 5,
      to: 3,
    });
    expect(
      decideAutoscale({ policy, samples: steady(40_000, 70_000, 10), replicas: 3, now: 70_000 }),
    ).toMatchObject({ action: "scale-down", to: 2 });
    expect(
      decideAutoscale({ policy, samples: steady(80_000, 120_000, 0), replicas: 2, now: 120_000 }),
    ).toMatchObject({ action: "hold", reason: "0 live connections fit 2 replicants" });
  });

  it("brings replicants outside min…max back inside, one step at a time", () => {
    expect(decideAutoscale({ policy, samples: [], replicas: 0, now: 0 })).toMatchObject({
      action: "scale-up",
      to: 2,
    });
    expect(decideAutoscale({ policy, samples: [], replicas: 9, now: 0 })).toMatchObject({
      action: "scale-down",
      to: 7,
    });
  });

  it("holds without samples", () => {
    expect(decideAutoscale({ policy, samples: [], replicas: 3, now: 0 })).toMatchObject({
      action: "hold",
      reason: "no connection sample since the last decision",
    });
  });
});

describe("pruneSamples", () => {
  it("keeps the longer window, and the one sample before it that proves it is covered", () => {
    const kept = pruneSamples(steady(0, 60_000, 1), policy, 60_000);
    expect(kept[0]?.at).toBe(30_000);
    expect(kept).toHaveLength(31);
    expect(pruneSamples(steady(500, 60_500, 1), policy, 60_000)[0]?.at).toBe(29_500);
    expect(pruneSamples([{ at: 0, connections: 1 }], policy, 100_000)).toEqual([{ at: 0, connections: 1 }]);
  });
});

describe("readAutoscalePolicy", () => {
  const key = "autoscale.apps.emqx.io/target-connections-per-replicant";
  it("is off without the target annotation and fills defaults with it", () => {
    expect(readAutoscalePolicy({}, 100)).toEqual({ kind: "off" });
    expect(readAutoscalePolicy({ [key]: "5000" }, 100)).toEqual({
      kind: "on",
      policy: {
        targetConnectionsPerReplicant: 5000,
        min: 1,
        max: 100,
        step: 1,
        scaleUpWindowMs: 60_000,
        scaleDownWindowMs: 300_000,
        cooldownMs: 120_000,
        rebalanceAfterScaleUp: false,
      },
    });
  });

  it("turns on with the messages target alone", () => {
    const msgs = "autoscale.apps.emqx.io/target-messages-per-second-per-replicant";
    const result = readAutoscalePolicy({ [msgs]: "800" }, 10);
    expect(result).toMatchObject({ kind: "on", policy: { targetMessagesPerSecondPerReplicant: 800 } });
    expect(result.kind === "on" && "targetConnectionsPerReplicant" in result.policy).toBe(false);
    expect(readAutoscalePolicy({ [msgs]: "lots" }, 10)).toEqual({
      kind: "invalid",
      problem: `annotation ${msgs} must be a whole number ≥ 1`,
    });
  });

  it("reads rebalance-after-scale-up as true or false only", () => {
    const flag = "autoscale.apps.emqx.io/rebalance-after-scale-up";
    expect(readAutoscalePolicy({ [key]: "5", [flag]: "true" }, 10)).toMatchObject({
      policy: { rebalanceAfterScaleUp: true },
    });
    expect(readAutoscalePolicy({ [key]: "5", [flag]: "yes" }, 10)).toEqual({
      kind: "invalid",
      problem: `annotation ${flag} must be "true" or "false"`,
    });
  });

  it("reads durations and caps max at the reconciler's limit", () => {
    const result = readAutoscalePolicy(
      {
        [key]: "10",
        "autoscale.apps.emqx.io/max": "500",
        "autoscale.apps.emqx.io/scale-up-window": "1500ms",
        "autoscale.apps.emqx.io/scale-down-window": "2m",
        "autoscale.apps.emqx.io/cooldown": "7",
      },
      50,
    );
    expect(result).toMatchObject({
      kind: "on",
      policy: { max: 50, scaleUpWindowMs: 1500, scaleDownWindowMs: 120_000, cooldownMs: 7000 },
    });
  });

  it("names the annotation it cannot read, and refuses min above max", () => {
    expect(readAutoscalePolicy({ [key]: "0" }, 10)).toEqual({
      kind: "invalid",
      problem: `annotation ${key} must be a whole number ≥ 1`,
    });
    expect(readAutoscalePolicy({ [key]: "5", "autoscale.apps.emqx.io/cooldown": "soon" }, 10)).toMatchObject({
      kind: "invalid",
      problem: "annotation autoscale.apps.emqx.io/cooldown must be a duration such as 30s or 5m",
    });
    expect(
      readAutoscalePolicy(
        { [key]: "5", "autoscale.apps.emqx.io/min": "4", "autoscale.apps.emqx.io/max": "3" },
        10,
      ),
    ).toEqual({
      kind: "invalid",
      problem: "autoscale min 4 is above max 3",
    });
  });
});

describe("readLastDecision", () => {
  it("reads the annotation and treats anything else as no decision", () => {
    expect(readLastDecision('{"at":5,"from":2,"to":3}')).toEqual({ at: 5, from: 2, to: 3 });
    expect(readLastDecision("nope")).toBeUndefined();
    expect(readLastDecision('{"at":"5"}')).toBeUndefined();
    expect(readLastDecision(undefined)).toBeUndefined();
  });
});
