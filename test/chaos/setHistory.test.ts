import { describe, expect, it } from "vitest";
import type { ChaosCr, SetLike } from "./invariants.ts";
import { PLANNING_LAG_MS, SetHistory } from "./setHistory.ts";

const cr = (image: string): ChaosCr => ({ metadata: { name: "chaos" }, spec: { image } });
const set = (uid: string, image: string, replicas: number): SetLike => ({
  metadata: { name: `chaos-replicant-${uid}`, uid },
  spec: { replicas, template: { spec: { containers: [{ name: "emqx", image }] } } },
});

describe("SetHistory", () => {
  it("lets the spec's set grow and shrink, and the old set shrink", () => {
    const h = new SetHistory();
    h.crVersion(cr("a"), 0);
    h.setVersion("ReplicaSet", set("1", "a", 2), 0);
    h.setVersion("ReplicaSet", set("1", "a", 4), 1_000);
    h.crVersion(cr("b"), 2_000);
    h.setVersion("ReplicaSet", set("2", "b", 1), 3_000);
    h.setVersion("ReplicaSet", set("2", "b", 4), 4_000);
    h.setVersion("ReplicaSet", set("1", "a", 3), 5_000);
    h.setVersion("ReplicaSet", set("1", "a", 0), 6_000);
    expect(h.violations).toEqual([]);
  });

  it("reports an old set that grows once its spec is past the planning lag", () => {
    const h = new SetHistory();
    h.crVersion(cr("a"), 0);
    h.setVersion("ReplicaSet", set("1", "a", 3), 0);
    h.crVersion(cr("b"), 1_000);
    h.setVersion("ReplicaSet", set("1", "a", 2), 2_000);
    h.setVersion("ReplicaSet", set("1", "a", 3), 1_000 + PLANNING_LAG_MS + 1);
    expect(h.violations).toHaveLength(1);
    expect(h.violations[0]).toMatch(/old set ReplicaSet\/chaos-replicant-1\/1 \(a\) grew 2 → 3/);
  });

  it("lets a set grow again when the spec comes back to its image (a rollback), and reports negatives", () => {
    const h = new SetHistory();
    h.crVersion(cr("a"), 0);
    h.setVersion("StatefulSet", set("1", "a", 2), 0);
    h.crVersion(cr("b"), 1_000);
    h.setVersion("StatefulSet", set("1", "a", 0), 30_000);
    h.crVersion(cr("a"), 60_000);
    h.setVersion("StatefulSet", set("1", "a", 2), 61_000);
    expect(h.violations).toEqual([]);
    h.setVersion("StatefulSet", set("1", "a", -1), 62_000);
    expect(h.violations).toEqual(["StatefulSet/chaos-replicant-1/1: replicas -1 < 0"]);
  });

  it("forgets a deleted set: one recreated under the same name starts afresh", () => {
    const h = new SetHistory();
    h.crVersion(cr("a"), 0);
    h.crVersion(cr("b"), 1_000);
    h.setVersion("ReplicaSet", set("1", "a", 0), 50_000);
    h.setVersion("ReplicaSet", set("1", "a", 0), 50_001, true);
    h.setVersion("ReplicaSet", set("1", "a", 2), 50_002);
    expect(h.violations).toEqual([]);
  });
});
