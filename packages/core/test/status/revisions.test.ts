import type { V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { isSetReady, promoteRevisions } from "../../src/status/revisions.ts";

function set(hash: string, pods: number, created: string): V1StatefulSet {
  return {
    metadata: {
      name: `emqx-core-${hash}`,
      uid: hash,
      labels: { "apps.emqx.io/pod-template-hash": hash },
      creationTimestamp: new Date(created),
      generation: 1,
    },
    spec: { replicas: pods, selector: {}, serviceName: "emqx-headless", template: {} },
    status: { replicas: pods, readyReplicas: pods, observedGeneration: 1 },
  };
}

describe("promoteRevisions", () => {
  it("a fresh update revision is also current", () => {
    expect(promoteRevisions([], { updateRevision: "a" })).toEqual({
      updateRevision: "a",
      currentRevision: "a",
    });
  });

  it("keeps the current set while it still has pods", () => {
    const sets = [set("old", 2, "2026-01-01"), set("new", 2, "2026-01-02")];
    expect(promoteRevisions(sets, { updateRevision: "new", currentRevision: "old" }).currentRevision).toBe(
      "old",
    );
  });

  it("moves current to the next old set with pods, then to the update set", () => {
    const sets = [set("a", 0, "2026-01-01"), set("b", 1, "2026-01-02"), set("c", 2, "2026-01-03")];
    expect(promoteRevisions(sets, { updateRevision: "c", currentRevision: "a" }).currentRevision).toBe("b");
    const done = [set("a", 0, "2026-01-01"), set("b", 0, "2026-01-02"), set("c", 2, "2026-01-03")];
    expect(promoteRevisions(done, { updateRevision: "c", currentRevision: "a" }).currentRevision).toBe("c");
  });

  it("retires a set a rollback abandoned", () => {
    const sets = [set("a", 2, "2026-01-01"), set("b", 2, "2026-01-02")];
    expect(promoteRevisions(sets, { updateRevision: "a", currentRevision: "a" }).currentRevision).toBe("b");
  });
});

describe("isSetReady", () => {
  it("needs all desired pods ready, not zero, and the latest spec observed", () => {
    const s = set("a", 2, "2026-01-01");
    expect(isSetReady(s, 2)).toBe(true);
    expect(isSetReady(s, 3)).toBe(false);
    expect(isSetReady(set("z", 0, "2026-01-01"), 0)).toBe(false);
    expect(isSetReady({ ...s, metadata: { ...s.metadata, generation: 2 } }, 2)).toBe(false);
  });
});
