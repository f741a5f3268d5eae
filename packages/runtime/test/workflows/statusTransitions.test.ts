import { describe, expect, it } from "vitest";
import { computeTransition, phaseOf, publishTransitions } from "../../src/workflows/statusTransitions.ts";
import { RecordingLogger, RecordingPublisher } from "./recorders.ts";

const cr = { metadata: { namespace: "ns", name: "emqx", uid: "u-1" } };
const now = new Date("2026-01-01T00:00:00Z");
const ready = {
  conditions: [
    { type: "Ready", status: "True" },
    { type: "Available", status: "True" },
  ],
  coreNodesStatus: { replicas: 2, readyReplicas: 2, currentRevision: "a", updateRevision: "a" },
  replicantNodesStatus: { replicas: 3, readyReplicas: 3, currentRevision: "b", updateRevision: "b" },
};

describe("status transitions", () => {
  it("names the phase from the first True lifecycle condition", () => {
    expect(phaseOf(ready)).toBe("Ready");
    expect(phaseOf({ conditions: [{ type: "NodeStatusStale", status: "True" }] })).toBe("None");
    expect(phaseOf(undefined)).toBe("None");
  });

  it("reports nothing when phase, counts and revisions are unchanged", () => {
    const stale = {
      ...ready,
      conditions: [...ready.conditions, { type: "NodeStatusStale", status: "True" }],
    };
    expect(computeTransition("c", cr, ready, stale, now)).toBeUndefined();
  });

  it("reports a count change with the new counts and revisions", () => {
    const after = { ...ready, replicantNodesStatus: { ...ready.replicantNodesStatus, readyReplicas: 2 } };
    expect(computeTransition("c", cr, ready, after, now)).toEqual({
      cluster: "c",
      namespace: "ns",
      name: "emqx",
      uid: "u-1",
      from: "Ready",
      to: "Ready",
      core: { ready: 2, desired: 2 },
      replicant: { ready: 2, desired: 3 },
      revisions: { core: { current: "a", update: "a" }, replicant: { current: "b", update: "b" } },
      time: "2026-01-01T00:00:00.000Z",
    });
  });

  it("resends refused entries once and counts what stays refused", async () => {
    const publisher = new RecordingPublisher();
    const logger = new RecordingLogger();
    const t = computeTransition("c", cr, {}, ready, now);
    if (!t) throw new Error("expected a transition");
    publisher.refuseNext = [1];
    expect(await publishTransitions(publisher, logger, [t, { ...t, name: "other" }])).toBe(0);
    expect(publisher.entries.map((e) => JSON.parse(e.Detail).name)).toEqual(["emqx", "other"]);
    expect(publisher.entries[0]).toMatchObject({
      Source: "emqx-reconciler.status",
      DetailType: "StatusTransition",
    });
  });
});
