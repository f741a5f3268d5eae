import { FIELD_MANAGER } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { isApplyNoop, isSubset, sendsOwnedFields } from "../../src/workflows/applyNoop.ts";
import { fieldsOf } from "./fakeKube.ts";

const desired = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "emqx-dashboard", namespace: "ns", labels: { "apps.emqx.io/instance": "emqx" } },
  spec: {
    type: "LoadBalancer",
    ports: [{ name: "dashboard", port: 18083, targetPort: 18083, protocol: "TCP" }],
  },
};

/** The object as the apiserver stores it: defaults added, our fields recorded under our manager. */
function stored(applied: object = desired, extra: Record<string, unknown> = {}) {
  const { apiVersion: _a, kind: _k, ...rest } = structuredClone(applied) as typeof desired;
  return {
    ...rest,
    metadata: {
      ...rest.metadata,
      resourceVersion: "7",
      managedFields: [
        { manager: FIELD_MANAGER, operation: "Apply", fieldsV1: fieldsOf(applied) },
        { manager: "kube-controller-manager", operation: "Update", subresource: "status", fieldsV1: {} },
      ],
    },
    spec: { ...rest.spec, clusterIP: "10.0.0.9", sessionAffinity: "None", ...extra },
  };
}

describe("isApplyNoop", () => {
  it("is true when the live object holds every field we send, plus defaults", () => {
    expect(isApplyNoop(desired, stored())).toBe(true);
  });

  it("is false when a value we send differs or a list changed length", () => {
    expect(isApplyNoop({ ...desired, spec: { ...desired.spec, type: "NodePort" } }, stored())).toBe(false);
    const twoPorts = [...desired.spec.ports, { name: "x", port: 1, targetPort: 1, protocol: "TCP" }];
    expect(isApplyNoop({ ...desired, spec: { ...desired.spec, ports: twoPorts } }, stored())).toBe(false);
  });

  it("is false when we stopped sending a field we own (the apply would remove it)", () => {
    const before = { ...desired, metadata: { ...desired.metadata, annotations: { team: "a" } } };
    expect(isApplyNoop(desired, stored(before))).toBe(false);
  });

  it("answers for the live object it is given, also when asked again about the same desired object", () => {
    const same = stored();
    const defaulted = stored(desired, { externalTrafficPolicy: "Cluster" });
    const drifted = structuredClone(same);
    drifted.spec.ports[0] = { ...desired.spec.ports[0], port: 1 } as never;
    expect(isApplyNoop(desired, same)).toBe(true);
    expect(isApplyNoop(desired, drifted)).toBe(false);
    expect(isApplyNoop(desired, same)).toBe(true);
    expect(isApplyNoop(desired, defaulted)).toBe(true);
  });

  it("is false for an object we never applied (to take ownership once)", () => {
    const live = stored();
    live.metadata.managedFields = live.metadata.managedFields.filter((m) => m.manager !== FIELD_MANAGER);
    expect(isApplyNoop(desired, live)).toBe(false);
    expect(isApplyNoop(desired, undefined)).toBe(false);
  });

  it("compares resource quantities by value, everything else exactly", () => {
    expect(
      isSubset(
        { resources: { requests: { cpu: "0.25", memory: "1Gi" } } },
        { resources: { requests: { cpu: "250m", memory: "1024Mi" } } },
      ),
    ).toBe(true);
    expect(isSubset({ replicas: 1 }, { replicas: "1" })).toBe(false);
    expect(isSubset({ port: "8080" }, { port: 8080 })).toBe(false);
  });

  it("counts an empty string or an empty list as stored when the apiserver dropped it (Go omitempty)", () => {
    expect(isSubset({ env: [{ name: "EMPTY", value: "" }] }, { env: [{ name: "EMPTY" }] })).toBe(true);
    expect(isSubset({ name: "c", env: [] }, { name: "c" })).toBe(true);
    expect(isSubset({ env: [{ name: "SET", value: "" }] }, { env: [{ name: "SET", value: "x" }] })).toBe(
      false,
    );
    expect(isSubset({ env: [] }, { env: [{ name: "A" }] })).toBe(false);
  });
});

describe("sendsOwnedFields", () => {
  const owned = {
    "f:spec": { "f:ports": { 'k:{"port":18083,"protocol":"TCP"}': { ".": {}, "f:name": {} } } },
  };

  it("reads fieldsV1 list members as any element of the list", () => {
    expect(sendsOwnedFields(owned, [{ spec: { ports: [{ port: 1 }, { name: "dashboard" }] } }])).toBe(true);
    expect(sendsOwnedFields(owned, [{ spec: { ports: [{ port: 1 }] } }])).toBe(false);
    expect(sendsOwnedFields(owned, [{ spec: { ports: [] } }])).toBe(false);
    expect(sendsOwnedFields(owned, [{ spec: {} }])).toBe(false);
  });

  it("counts a field set to undefined as not sent, and null as sent", () => {
    expect(sendsOwnedFields({ "f:spec": { "f:type": {} } }, [{ spec: { type: undefined } }])).toBe(false);
    expect(sendsOwnedFields({ "f:spec": { "f:type": {} } }, [{ spec: { type: null } }])).toBe(true);
  });

  it("lets an apply that leaves a field undefined be a no-op only when we never owned it", () => {
    const withUndefined = { ...desired, spec: { ...desired.spec, externalTrafficPolicy: undefined } };
    expect(isApplyNoop(withUndefined, stored())).toBe(true);
    const owning = { ...desired, spec: { ...desired.spec, externalTrafficPolicy: "Local" } };
    expect(isApplyNoop(withUndefined, stored(owning, { externalTrafficPolicy: "Local" }))).toBe(false);
  });
});
