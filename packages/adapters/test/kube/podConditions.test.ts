import { CONDITION_ON_SERVING } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeGateway, Wire } from "../../src/index.ts";
import { freshNamespace, sandboxGateway } from "./cluster.ts";

let clock = new Date("2026-02-01T10:00:00.000Z");
let gw: KubeGateway;
let ns: string;

beforeAll(async () => {
  gw = await sandboxGateway(() => clock);
  ns = await freshNamespace(gw, "gates");
});
afterAll(() => gw?.close());

/** A pod with the on-serving readiness gate that no node can take (it stays Pending, untouched by kwok). */
async function gatedPod(name: string): Promise<Wire<V1Pod>> {
  return (await gw.apply({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns },
    spec: {
      nodeSelector: { "example.com/none": "none" },
      readinessGates: [{ conditionType: CONDITION_ON_SERVING }],
      containers: [{ name: "emqx", image: "emqx/emqx:6.0.1" }],
    },
  })) as Wire<V1Pod>;
}

async function readPod(name: string): Promise<Wire<V1Pod>> {
  return (await gw.get("Pod", ns, name)) as Wire<V1Pod>;
}

function gate(pod: Wire<V1Pod>) {
  return pod.status?.conditions?.find((c) => c.type === CONDITION_ON_SERVING);
}

describe("setPodCondition", () => {
  it("merges the gate into pods/status by type, leaving the other conditions alone", async () => {
    await gatedPod("p1");
    await gw.setPodCondition(await readPod("p1"), { type: "example.com/other", status: "True" });
    expect(
      await gw.setPodCondition(await readPod("p1"), { type: CONDITION_ON_SERVING, status: "True" }),
    ).toBe(true);
    const pod = await readPod("p1");
    expect(gate(pod)).toMatchObject({ status: "True", lastTransitionTime: "2026-02-01T10:00:00Z" });
    expect(pod.status?.conditions?.some((c) => c.type === "example.com/other")).toBe(true);
  });

  it("sends nothing when the gate already has that status, and moves lastTransitionTime only on a change", async () => {
    gw.resetStats();
    clock = new Date("2026-02-01T10:05:00.000Z");
    expect(
      await gw.setPodCondition(await readPod("p1"), { type: CONDITION_ON_SERVING, status: "True" }),
    ).toBe(false);
    expect(gw.stats().writes).toBe(0);
    expect(
      await gw.setPodCondition(await readPod("p1"), { type: CONDITION_ON_SERVING, status: "False" }),
    ).toBe(true);
    expect(gate(await readPod("p1"))).toMatchObject({
      status: "False",
      lastTransitionTime: "2026-02-01T10:05:00Z",
    });
  });

  it("sets annotations on a pod (pod-deletion-cost) and removes them with null", async () => {
    await gatedPod("p2");
    const cost = "controller.kubernetes.io/pod-deletion-cost";
    expect((await gw.patchPodAnnotations(ns, "p2", { [cost]: "-1" })).metadata?.annotations?.[cost]).toBe(
      "-1",
    );
    expect(
      (await gw.patchPodAnnotations(ns, "p2", { [cost]: null })).metadata?.annotations?.[cost],
    ).toBeUndefined();
  });
});
