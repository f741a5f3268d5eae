import type { ScaleRequest } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { runScale, type ScalePort } from "../../src/workflows/scale.ts";

type Cr = {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
};
type RecordedEvent = { type: string; reason: string; message: string };

/** An in-memory CR store at the port boundary, with the apiserver's resourceVersion precondition. */
function store(cr: Cr | undefined) {
  const state = {
    cr,
    patches: [] as Array<{ patch: object; subresource?: string }>,
    events: [] as RecordedEvent[],
  };
  const kube: ScalePort = {
    async recordEvent(_cr, event) {
      state.events.push(event);
    },
    async getEmqx() {
      return state.cr && structuredClone(state.cr);
    },
    async patchEmqx(_ns, _name, patch, subresource) {
      const p = patch as { metadata: { resourceVersion: string }; spec: Record<string, unknown> };
      if (!state.cr) throw new Error("absent");
      if (p.metadata.resourceVersion !== state.cr.metadata.resourceVersion) throw new Error("conflict");
      state.patches.push({ patch, subresource });
      const spec = state.cr.spec as {
        coreTemplate?: { spec?: { replicas?: number } };
        replicantTemplate?: { spec?: { replicas?: number } };
      };
      if (subresource === "scale") spec.replicantTemplate = { spec: { replicas: p.spec.replicas as number } };
      else
        spec.coreTemplate = {
          spec: {
            replicas: (p.spec as { coreTemplate: { spec: { replicas: number } } }).coreTemplate.spec.replicas,
          },
        };
      state.cr.metadata.resourceVersion = String(Number(state.cr.metadata.resourceVersion) + 1);
      return state.cr;
    },
  };
  return { state, kube };
}

const logs: string[] = [];
const logger = {
  info: (m: string) => logs.push(m),
  warn: (m: string) => logs.push(m),
  error: (m: string) => logs.push(m),
};
const request = (role: "core" | "replicant", replicas: number): ScaleRequest => ({
  cluster: "c",
  namespace: "ns",
  name: "emqx",
  role,
  replicas,
});
const seed = (): Cr => ({
  metadata: { resourceVersion: "10" },
  spec: { coreTemplate: { spec: { replicas: 2 } }, replicantTemplate: { spec: { replicas: 3 } } },
});

describe("Function: runScale", () => {
  it("scales replicants through the scale subresource and cores through the spec, guarded by resourceVersion", async () => {
    const { state, kube } = store(seed());
    expect(await runScale({ kube, logger }, request("replicant", 5))).toBe("scaled");
    expect(await runScale({ kube, logger }, request("core", 3))).toBe("scaled");
    expect(state.cr?.spec).toEqual({
      coreTemplate: { spec: { replicas: 3 } },
      replicantTemplate: { spec: { replicas: 5 } },
    });
    expect(state.patches.map((p) => p.subresource)).toEqual(["scale", undefined]);
    expect(state.patches[0]?.patch).toEqual({ metadata: { resourceVersion: "10" }, spec: { replicas: 5 } });
  });

  it("writes nothing when the replicas already match or the CR is gone", async () => {
    const { state, kube } = store(seed());
    expect(await runScale({ kube, logger }, request("replicant", 3))).toBe("unchanged");
    expect(await runScale({ kube: store(undefined).kube, logger }, request("core", 1))).toBe("absent");
    expect(state.patches).toEqual([]);
  });

  it("rejects, without retry, replicas over the limit and replicants for a core-only CR", async () => {
    const { state, kube } = store({
      metadata: { resourceVersion: "1" },
      spec: { coreTemplate: { spec: { replicas: 2 } } },
    });
    expect(await runScale({ kube, logger, limits: { maxReplicas: 10 } }, request("core", 11))).toBe(
      "rejected",
    );
    expect(await runScale({ kube, logger }, request("replicant", 2))).toBe("rejected");
    expect(state.patches).toEqual([]);
    expect(logs).toContain("Rejected scale request");
    expect(state.events).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/the CR has no replicantTemplate$/) }),
    ]);
  });

  it("records who asked and what changed as a Normal Event on the CR", async () => {
    const { state, kube } = store(seed());
    const origin = { source: "emqx-reconciler.scale", account: "123456789012", eventId: "e-1" };
    const asked = { ...request("replicant", 5), requestedBy: "hpa-bridge" };
    expect(await runScale({ kube, logger }, asked, origin)).toBe("scaled");
    expect(state.events).toEqual([
      {
        type: "Normal",
        reason: "ScaleRequested",
        message:
          'Scale request from emqx-reconciler.scale, account 123456789012, requested by "hpa-bridge", event e-1: replicants 3 → 5',
      },
    ]);
  });

  it("refuses cores below 1 even when the caller skipped the schema, writing nothing", async () => {
    const { state, kube } = store(seed());
    expect(await runScale({ kube, logger }, request("core", 0))).toBe("rejected");
    expect(state.patches).toEqual([]);
    expect(state.cr?.spec).toEqual(seed().spec);
  });

  it("keeps requests inside the CR's scale-min/max annotations, and refuses all on a bad annotation", async () => {
    // Prepare
    const cr = seed();
    cr.metadata.annotations = {
      "apps.emqx.io/scale-min-replicants": "2",
      "apps.emqx.io/scale-max-replicants": "6",
      "apps.emqx.io/scale-min-cores": "0",
      "apps.emqx.io/scale-max-cores": "3",
    };
    const { state, kube } = store(cr);

    // Act
    const outcomes = [
      await runScale({ kube, logger }, request("replicant", 1)),
      await runScale({ kube, logger }, request("replicant", 7)),
      await runScale({ kube, logger }, request("core", 4)),
      await runScale({ kube, logger }, request("replicant", 6)),
      await runScale({ kube, logger }, request("core", 1)),
    ];

    // Assess: scale-min-cores 0 still means at least 1 core.
    expect(outcomes).toEqual(["rejected", "rejected", "rejected", "scaled", "scaled"]);
    expect(state.events.map((e) => `${e.type} ${e.reason}`)).toEqual([
      "Warning ScaleRequestRefused",
      "Warning ScaleRequestRefused",
      "Warning ScaleRequestRefused",
      "Normal ScaleRequested",
      "Normal ScaleRequested",
    ]);
    expect(state.events[0]?.message).toBe(
      "Refused a scale request from unknown: replicants → 1: outside the CR's bounds for replicants (2…6)",
    );

    // Act: a typo in an annotation refuses every request of that role.
    (state.cr as Cr).metadata.annotations = { "apps.emqx.io/scale-max-replicants": "six" };
    const typo = await runScale({ kube, logger }, request("replicant", 4));

    // Assess
    expect(typo).toBe("rejected");
    expect(state.events.at(-1)?.message).toMatch(
      /annotation apps\.emqx\.io\/scale-max-replicants is not a whole number$/,
    );
  });

  it("still scales when the Event cannot be recorded", async () => {
    const { state, kube } = store(seed());
    const failing: ScalePort = { ...kube, recordEvent: async () => Promise.reject(new Error("403")) };
    expect(await runScale({ kube: failing, logger }, request("replicant", 4))).toBe("scaled");
    expect(state.patches).toHaveLength(1);
    expect(logs).toContain("Failed to record Event");
  });

  it("turns a failed write into a retryable workflow error naming the CR", async () => {
    const { kube } = store(seed());
    const racing: ScalePort = { ...kube, patchEmqx: async () => Promise.reject(new Error("conflict")) };
    await expect(runScale({ kube: racing, logger }, request("core", 4))).rejects.toMatchObject({
      name: "WorkflowError",
      kind: "retryable",
      message: expect.stringContaining("scale c/ns/emqx"),
    });
  });
});
