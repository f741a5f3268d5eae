import { describe, expect, it } from "vitest";
import {
  AUDIT_MAX_FIELDS,
  busPatterns,
  DetailType,
  EVENT_SOURCE_FORWARDER,
  EVENT_SOURCE_SCALE,
  EVENT_SOURCE_STATUS,
  HintSchema,
  ReconcileAppliedSchema,
  ScaleRequestSchema,
  StatusTransitionSchema,
} from "../src/bus.ts";

const transition = {
  cluster: "prod",
  namespace: "default",
  name: "emqx",
  uid: "uid-1",
  from: "ReplicantNodesReady",
  to: "Ready",
  core: { ready: 2, desired: 2 },
  replicant: { ready: 3, desired: 3 },
  revisions: { core: { current: "abc", update: "abc" }, replicant: { current: "def", update: "def" } },
  time: "2026-01-01T00:00:00Z",
};

describe("HintSchema", () => {
  it("accepts a hint naming a CR and nothing more", () => {
    const hint = {
      cluster: "prod",
      namespace: "default",
      name: "emqx",
      uid: "u",
      resourceVersion: "7",
      cause: "child",
    };
    expect(HintSchema.parse({ ...hint, spec: { image: "x" } })).toEqual(hint);
  });

  it("keeps the children's digests per kind, and a hint without them (an older forwarder's) still parses", () => {
    const hint = { cluster: "c", namespace: "n", name: "x", cause: "child" };
    const childDigests = { Pod: "2.abc", Service: "0.AAAA" };
    expect(HintSchema.parse({ ...hint, childDigests })).toEqual({ ...hint, childDigests });
    expect(HintSchema.parse(hint)).toEqual(hint);
    expect(HintSchema.safeParse({ ...hint, childDigests: { Pod: 7 } }).success).toBe(false);
  });

  it.each(["added", "modified", "deleted", "child", "resync", "requeue", "scale"])(
    "accepts cause %s",
    (cause) => {
      expect(HintSchema.safeParse({ cluster: "c", namespace: "n", name: "x", cause }).success).toBe(true);
    },
  );

  it("rejects an unknown cause or an empty name", () => {
    expect(HintSchema.safeParse({ cluster: "c", namespace: "n", name: "x", cause: "created" }).success).toBe(
      false,
    );
    expect(HintSchema.safeParse({ cluster: "c", namespace: "n", name: "", cause: "added" }).success).toBe(
      false,
    );
  });
});

describe("StatusTransitionSchema", () => {
  it("accepts a Ready transition with counts and revisions", () => {
    expect(StatusTransitionSchema.parse(transition)).toEqual(transition);
  });

  it("accepts None as the phase of a CR without conditions", () => {
    expect(StatusTransitionSchema.safeParse({ ...transition, from: "None" }).success).toBe(true);
    expect(StatusTransitionSchema.safeParse({ ...transition, to: "Broken" }).success).toBe(false);
  });
});

describe("ScaleRequestSchema", () => {
  it("accepts a role and a non-negative replica count", () => {
    const request = { cluster: "c", namespace: "n", name: "x", role: "replicant", replicas: 5 };
    expect(ScaleRequestSchema.parse(request)).toEqual(request);
    expect(ScaleRequestSchema.safeParse({ ...request, replicas: -1 }).success).toBe(false);
    expect(ScaleRequestSchema.safeParse({ ...request, role: "edge" }).success).toBe(false);
  });

  it("takes replicants to 0 but never cores, and keeps a short requestedBy", () => {
    const request = { cluster: "c", namespace: "n", name: "x", role: "replicant", replicas: 0 };
    expect(ScaleRequestSchema.safeParse(request).success).toBe(true);
    const cores = ScaleRequestSchema.safeParse({ ...request, role: "core" });
    expect(cores.success).toBe(false);
    expect(cores.error?.issues).toEqual([
      expect.objectContaining({
        path: ["replicas"],
        message: expect.stringMatching(/^cores never go below 1/),
      }),
    ]);
    expect(ScaleRequestSchema.parse({ ...request, requestedBy: "hpa-bridge" }).requestedBy).toBe(
      "hpa-bridge",
    );
    expect(ScaleRequestSchema.safeParse({ ...request, requestedBy: "x".repeat(129) }).success).toBe(false);
  });
});

describe("busPatterns", () => {
  it("are EventBridge patterns on source and detail-type", () => {
    expect(busPatterns.statusTransitions).toEqual({
      source: [EVENT_SOURCE_STATUS],
      "detail-type": [DetailType.StatusTransition],
    });
    expect(busPatterns.scaleRequests).toEqual({
      source: [EVENT_SOURCE_SCALE],
      "detail-type": ["ScaleRequest"],
    });
    expect(busPatterns.reconcileHints.source).toContain(EVENT_SOURCE_FORWARDER);
    expect(busPatterns.reconcileHints["detail-type"]).toEqual(["ReconcileHint"]);
  });

  it("are plain JSON, as EventBridge receives them", () => {
    expect(JSON.parse(JSON.stringify(busPatterns))).toEqual(busPatterns);
  });
});

describe("ReconcileAppliedSchema", () => {
  const record = {
    cluster: "prod",
    namespace: "default",
    name: "emqx",
    uid: "u-1",
    writes: 2,
    changes: [{ action: "apply", kind: "StatefulSet", name: "emqx-core-x", fields: ["spec.replicas"] }],
    hint: { cause: "modified", source: "emqx-reconciler.forwarder" },
    time: "2026-01-01T00:00:00Z",
  };

  it("accepts an audit record naming field paths and the hint", () => {
    expect(ReconcileAppliedSchema.parse(record)).toEqual(record);
  });

  it("carries what the pass brought about as notes, never empty ones", () => {
    const ready = { ...record, notes: ["Cluster is ready"] };
    expect(ReconcileAppliedSchema.parse(ready)).toEqual(ready);
    expect(ReconcileAppliedSchema.safeParse({ ...record, notes: [""] }).success).toBe(false);
  });

  it("refuses an unknown plan step and more field paths than the cap", () => {
    const badStep = { ...record, changes: [{ ...record.changes[0], action: "rewrite" }] };
    expect(ReconcileAppliedSchema.safeParse(badStep).success).toBe(false);
    const paths = Array.from({ length: AUDIT_MAX_FIELDS + 1 }, (_, i) => `spec.f${i}`);
    const tooMany = { ...record, changes: [{ ...record.changes[0], fields: paths }] };
    expect(ReconcileAppliedSchema.safeParse(tooMany).success).toBe(false);
  });

  it("is routed by its own pattern", () => {
    expect(busPatterns.reconcileApplied).toEqual({
      source: ["emqx-reconciler.reconcile"],
      "detail-type": ["ReconcileApplied"],
    });
  });
});
