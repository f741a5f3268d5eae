import { describe, expect, it } from "vitest";
import {
  AUTOSCALE_REBALANCES_KEPT,
  planRebalanceAfterScaleUp,
  type RebalanceAfterScaleUpInput,
} from "../../src/index.ts";

const AT = 1_700_000_000_000;
const base: RebalanceAfterScaleUpInput = {
  name: "emqx",
  enabled: true,
  last: { at: AT, from: 3, to: 4 },
  ready: true,
  readyReplicants: 4,
  edition: "Enterprise",
  existing: [],
};

describe("planRebalanceAfterScaleUp", () => {
  it("asks for one Rebalance per scale-up once it is Ready, named after the decision", () => {
    expect(planRebalanceAfterScaleUp(base)).toEqual({ create: "emqx-scale-up-1700000000", delete: [] });
    expect(
      planRebalanceAfterScaleUp({
        ...base,
        existing: [{ name: "emqx-scale-up-1700000000", phase: "Processing" }],
      }),
    ).toEqual({ delete: [] });
  });

  it("asks for none before the new replicants are Ready, after a scale-down, when off, or on open-source", () => {
    expect(planRebalanceAfterScaleUp({ ...base, readyReplicants: 3 }).create).toBeUndefined();
    expect(planRebalanceAfterScaleUp({ ...base, ready: false }).create).toBeUndefined();
    expect(planRebalanceAfterScaleUp({ ...base, last: { at: AT, from: 4, to: 3 } }).create).toBeUndefined();
    expect(planRebalanceAfterScaleUp({ ...base, last: undefined }).create).toBeUndefined();
    expect(planRebalanceAfterScaleUp({ ...base, enabled: false }).create).toBeUndefined();
    expect(planRebalanceAfterScaleUp({ ...base, edition: "Opensource" }).create).toBeUndefined();
  });

  it("keeps the newest few, deleting only finished ones beyond them", () => {
    const existing = [1, 2, 3, 4, 5].map((i) => ({
      name: `emqx-scale-up-${1_600_000_000 + i}`,
      phase: i === 1 ? "Processing" : "Completed",
    }));

    const p = planRebalanceAfterScaleUp({ ...base, existing });

    // The new one plus the newest two stay; of the older three, the one still Processing is kept.
    expect(AUTOSCALE_REBALANCES_KEPT).toBe(3);
    expect(p.create).toBe("emqx-scale-up-1700000000");
    expect(p.delete.sort()).toEqual(["emqx-scale-up-1600000002", "emqx-scale-up-1600000003"]);
  });
});
