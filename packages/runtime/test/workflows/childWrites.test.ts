import { plan } from "@emqx-reconciler/core";
import { describe, expect, it } from "vitest";
import { applyWaves } from "../../src/workflows/childWrites.ts";

const obj = (kind: string, name: string) => ({ apiVersion: "v1", kind, metadata: { name } });
const names = (waves: ReturnType<typeof applyWaves>) => waves.map((w) => w.map((o) => o.metadata?.name));

describe("applyWaves", () => {
  it("applies what the sets' pods mount or resolve first, then the sets, then the rest", () => {
    const waves = applyWaves([
      obj("Service", "headless"),
      obj("ConfigMap", "configs"),
      obj("StatefulSet", "core"),
      obj("ReplicaSet", "replicant"),
      obj("PodDisruptionBudget", "pdb"),
      obj("Service", "listeners"),
    ]);
    expect(names(waves)).toEqual([
      ["headless", "configs"],
      ["core", "replicant"],
      ["pdb", "listeners"],
    ]);
  });

  it("keeps a plan without sets as one wave, and an empty plan as none", () => {
    expect(names(applyWaves([obj("Service", "a"), obj("ConfigMap", "b")]))).toEqual([["a", "b"]]);
    expect(names(applyWaves([obj("ReplicaSet", "r"), obj("Service", "s")]))).toEqual([["r"], ["s"]]);
    expect(applyWaves([])).toEqual([]);
  });

  it("puts the seed's headless Service and ConfigMap before its StatefulSet", () => {
    const seed = {
      apiVersion: "apps.emqx.io/v2beta1",
      kind: "EMQX",
      metadata: { name: "emqx", namespace: "ns", uid: "u1", generation: 1 },
      spec: { image: "emqx/emqx:5.8.6" },
    };
    const first = plan({
      emqx: seed as Parameters<typeof plan>[0]["emqx"],
      observed: {
        statefulSets: [],
        replicaSets: [],
        pods: [],
        services: [],
        secrets: [],
        pdbs: [],
        persistentVolumeClaims: [],
        deleteEvents: [],
        referencedSecretValues: {},
      },
      api: { state: "unreachable-no-ready-core" },
      now: new Date("2026-01-01T00:00:00Z"),
      random: { password: "p".repeat(32), cookie: "c".repeat(32) },
    });
    const [before, sets, after] = applyWaves(first.apply as never);
    expect(before?.map((o) => o.kind).sort()).toEqual(["ConfigMap", "Service"]);
    expect(sets?.map((o) => o.kind)).toEqual(["StatefulSet"]);
    expect(after?.map((o) => o.kind)).toContain("PodDisruptionBudget");
  });
});
