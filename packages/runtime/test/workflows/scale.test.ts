import type { ScaleRequest } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { runScale, type ScalePort } from "../../src/workflows/scale.ts";

type Cr = { metadata: { resourceVersion: string }; spec: Record<string, unknown> };

/** An in-memory CR store at the port boundary, with the apiserver's resourceVersion precondition. */
function store(cr: Cr | undefined) {
  const state = { cr, patches: [] as Array<{ patch: object; subresource?: string }> };
  const kube: ScalePort = {
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
    expect(logs).toContain("Rejected scale request: the CR has no replicantTemplate");
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
