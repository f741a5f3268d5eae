import { API_VERSION, KIND } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { computeOwnerTargets } from "../../../src/workflows/forward/keyMapper.ts";
import { child, emqx } from "./fixtures.ts";

describe("computeOwnerTargets", () => {
  it("maps an EMQX CR to itself with its uid", () => {
    expect(computeOwnerTargets("EMQX", emqx("broker", { namespace: "ns", uid: "u1" }))).toEqual([
      { namespace: "ns", name: "broker", uid: "u1" },
    ]);
  });

  it.each(["StatefulSet", "ReplicaSet", "Service", "ConfigMap", "Secret", "PodDisruptionBudget"] as const)(
    "maps a labelled %s to its instance CR, taking the uid from the matching owner reference",
    (kind) => {
      expect(computeOwnerTargets(kind, child(kind, "broker-x", "broker", { namespace: "ns" }))).toEqual([
        { namespace: "ns", name: "broker", uid: "uid-broker" },
      ]);
    },
  );

  it("maps a pod (owned by a set, not by the CR) to its instance CR without a uid", () => {
    const pod = child("Pod", "broker-core-0", "broker", {
      ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "broker-core", uid: "s1" }],
    });
    expect(computeOwnerTargets("Pod", pod)).toEqual([{ namespace: "default", name: "broker" }]);
  });

  it("adds the CR of an EMQX owner reference that disagrees with the instance label", () => {
    const svc = child("Service", "odd", "broker", {
      ownerReferences: [{ apiVersion: API_VERSION, kind: KIND, name: "other", uid: "u-other" }],
    });
    expect(computeOwnerTargets("Service", svc)).toEqual([
      { namespace: "default", name: "broker" },
      { namespace: "default", name: "other", uid: "u-other" },
    ]);
  });

  it("ignores objects without both operator labels", () => {
    const foreign = child("ConfigMap", "cm", "broker", { labels: { "apps.emqx.io/managed-by": "someone" } });
    expect(computeOwnerTargets("ConfigMap", foreign)).toEqual([]);
    expect(
      computeOwnerTargets("ConfigMap", { kind: "ConfigMap", metadata: { name: "x", namespace: "d" } }),
    ).toEqual([]);
  });
});
