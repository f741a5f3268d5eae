import type { KindName, KubeObject } from "@emqx-reconciler/adapters";
import { describe, expect, it } from "vitest";
import { computeFingerprint } from "../../../src/workflows/forward/fingerprint.ts";
import { child, emqx, podStatus } from "./fixtures.ts";

/** Sets `path` (dotted, array indexes as numbers) to `value` in a deep copy; says whether the fingerprint moved. */
function changes(kind: KindName, obj: KubeObject, path: string, value: unknown): boolean {
  const copy = structuredClone(obj) as Record<string, unknown>;
  const keys = path.split(".");
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1) as string] = value;
  return computeFingerprint(kind, obj) !== computeFingerprint(kind, copy as KubeObject);
}

/** A write that only moved managedFields (another manager took ownership of the same values). */
function managedFieldsOnly(kind: KindName, obj: KubeObject): boolean {
  const copy = structuredClone(obj);
  Object.assign(copy.metadata ?? {}, { managedFields: [{ manager: "kubectl" }], resourceVersion: "99" });
  return computeFingerprint(kind, obj) !== computeFingerprint(kind, copy);
}

describe("computeFingerprint", () => {
  it("EMQX: ignores status-only and managedFields-only updates", () => {
    const cr = emqx("broker", { status: { conditions: [] } });
    expect(changes("EMQX", cr, "status", { coreNodes: [{ name: "x" }] })).toBe(false);
    expect(managedFieldsOnly("EMQX", cr)).toBe(false);
  });

  it("EMQX: sees spec (generation), annotation, label and deletion changes", () => {
    const cr = emqx("broker");
    expect(changes("EMQX", cr, "metadata.generation", 2)).toBe(true);
    expect(changes("EMQX", cr, "metadata.annotations", { a: "b" })).toBe(true);
    expect(changes("EMQX", cr, "metadata.labels", { team: "x" })).toBe(true);
    expect(changes("EMQX", cr, "metadata.deletionTimestamp", "2026-01-01T00:00:00Z")).toBe(true);
  });

  it("Pod: sees readiness, gate, IP and container changes, not timestamps", () => {
    const pod = child("Pod", "p", "broker", { status: podStatus(true) });
    expect(changes("Pod", pod, "status", podStatus(false))).toBe(true);
    expect(changes("Pod", pod, "status.conditions.1.status", "False")).toBe(true);
    expect(changes("Pod", pod, "status.podIP", "10.0.0.2")).toBe(true);
    expect(changes("Pod", pod, "status.containerStatuses.0.restartCount", 1)).toBe(true);
    expect(changes("Pod", pod, "status.conditions.0.lastTransitionTime", "2027-01-01T00:00:00Z")).toBe(false);
    expect(changes("Pod", pod, "status.conditions.0.lastProbeTime", "2027-01-01T00:00:00Z")).toBe(false);
    expect(managedFieldsOnly("Pod", pod)).toBe(false);
  });

  it("sets: sees status progress, not condition timestamps", () => {
    const sts = child("StatefulSet", "s", "broker", {
      status: {
        replicas: 2,
        readyReplicas: 1,
        conditions: [{ type: "X", status: "True", lastTransitionTime: "t1" }],
      },
    });
    expect(changes("StatefulSet", sts, "status.readyReplicas", 2)).toBe(true);
    expect(changes("StatefulSet", sts, "status.conditions.0.lastTransitionTime", "t2")).toBe(false);
  });

  it("ConfigMap: sees data drift; Secret: never looks at data; PDB: ignores its status", () => {
    const cm = child("ConfigMap", "c", "broker", { data: { "emqx.conf": "a" } });
    expect(changes("ConfigMap", cm, "data", { "emqx.conf": "b" })).toBe(true);
    const secret = child("Secret", "s", "broker", { data: { key: "c2VjcmV0" }, type: "Opaque" });
    expect(changes("Secret", secret, "data", { key: "b3RoZXI=" })).toBe(false);
    expect(changes("Secret", secret, "metadata.deletionTimestamp", "t")).toBe(true);
    const pdb = child("PodDisruptionBudget", "p", "broker", { status: { currentHealthy: 1 } });
    expect(changes("PodDisruptionBudget", pdb, "status.currentHealthy", 2)).toBe(false);
  });

  it("R18 keeps no object content: the same short digest whatever the size", () => {
    const cm = child("ConfigMap", "c", "broker", { data: { big: "x".repeat(100_000) } });
    expect(computeFingerprint("ConfigMap", cm)).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });
});
