import type { KubeObject } from "@emqx-reconciler/adapters";
import { LABEL_MANAGED_BY } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { listingCr } from "../../../src/workflows/cache/childMembership.ts";
import { digestOf, EMPTY_DIGEST } from "../../../src/workflows/cache/versionDigest.ts";
import { ChildDigests } from "../../../src/workflows/forward/childDigests.ts";
import { child } from "./fixtures.ts";

const PODS = { kind: "Pod" as const, namespace: undefined };
const pod = (name: string, rv: string, instance = "emqx", namespace = "ns") =>
  child("Pod", name, instance, { namespace, uid: `u-${namespace}-${name}`, resourceVersion: rv });
const modified = (object: KubeObject) => ({ type: "MODIFIED" as const, object });

describe("listingCr: the CR whose ownedSelector list returns an object", () => {
  it("is the instance label's CR in the object's namespace, when the operator's managed-by label is there", () => {
    expect(listingCr(pod("p", "1"))).toBe("ns/emqx");
    const foreign = child("Pod", "p", "emqx", { namespace: "ns", labels: { [LABEL_MANAGED_BY]: "helm" } });
    expect(listingCr(foreign)).toBeUndefined();
  });

  it("ignores owner references: a child whose owner is another CR still lists under its label", () => {
    const ownedElsewhere = child("Pod", "p", "emqx", {
      namespace: "ns",
      ownerReferences: [{ apiVersion: "apps.emqx.io/v2beta1", kind: "EMQX", name: "other", uid: "u" }],
    });
    expect(listingCr(ownedElsewhere)).toBe("ns/emqx");
  });
});

describe("ChildDigests", () => {
  it("digests each CR's children per kind, by the list's membership rule, whatever the order", () => {
    const digests = new ChildDigests();
    const mine = [pod("a", "1"), pod("b", "2")];
    digests.applyList(PODS, [pod("x", "3", "other"), ...mine, pod("a", "4", "emqx", "elsewhere")]);
    expect(digests.digestsFor("ns", "emqx")).toEqual({ Pod: digestOf(mine) });
    expect(digests.digestsFor("ns", "other")).toEqual({ Pod: digestOf([pod("x", "3", "other")]) });
    expect(digests.digestsFor("elsewhere", "emqx")?.Pod).toBe(digestOf([pod("a", "4", "emqx", "elsewhere")]));
    const reordered = new ChildDigests();
    reordered.applyList(PODS, [pod("b", "2"), pod("a", "1")]);
    expect(reordered.digestsFor("ns", "emqx")).toEqual(digests.digestsFor("ns", "emqx"));
  });

  it("follows adds, modifications and deletions, including events that give no hint", () => {
    const digests = new ChildDigests();
    digests.applyList(PODS, [pod("a", "1")]);
    digests.applyEvent(PODS, { type: "ADDED", object: pod("b", "2") });
    expect(digests.digestsFor("ns", "emqx")?.Pod).toBe(digestOf([pod("a", "1"), pod("b", "2")]));
    digests.applyEvent(PODS, modified(pod("a", "5")));
    expect(digests.digestsFor("ns", "emqx")?.Pod).toBe(digestOf([pod("a", "5"), pod("b", "2")]));
    digests.applyEvent(PODS, { type: "BOOKMARK", object: { metadata: { resourceVersion: "9" } } });
    digests.applyEvent(PODS, { type: "DELETED", object: pod("a", "6") });
    digests.applyEvent(PODS, { type: "DELETED", object: pod("b", "7") });
    expect(digests.digestsFor("ns", "emqx")?.Pod).toBe(EMPTY_DIGEST);
  });

  it("moves a child whose instance label changed to its new CR, and drops one that lost the label", () => {
    const digests = new ChildDigests();
    digests.applyList(PODS, [pod("a", "1")]);
    digests.applyEvent(PODS, modified(pod("a", "2", "other")));
    expect(digests.digestsFor("ns", "emqx")?.Pod).toBe(EMPTY_DIGEST);
    expect(digests.digestsFor("ns", "other")?.Pod).toBe(digestOf([pod("a", "2", "other")]));
    const unlabelled = { ...pod("a", "3"), metadata: { ...pod("a", "3").metadata, labels: {} } };
    digests.applyEvent(PODS, modified(unlabelled));
    expect(digests.digestsFor("ns", "other")?.Pod).toBe(EMPTY_DIGEST);
  });

  it("gives a kind a digest only while its scope is listed: none before the list, none once it is dropped", () => {
    const digests = new ChildDigests();
    expect(digests.digestsFor("ns", "emqx")).toBeUndefined();
    digests.applyEvent(PODS, { type: "ADDED", object: pod("a", "1") });
    expect(digests.digestsFor("ns", "emqx")).toBeUndefined();
    digests.applyList({ kind: "Service", namespace: "ns" }, []);
    expect(digests.digestsFor("ns", "emqx")).toEqual({ Service: EMPTY_DIGEST });
    expect(digests.digestsFor("other-ns", "emqx")).toBeUndefined();
    digests.applyList(PODS, [pod("a", "1")]);
    digests.dropScope(PODS);
    expect(digests.digestsFor("ns", "emqx")).toEqual({ Service: EMPTY_DIGEST });
    digests.applyList(PODS, []);
    expect(digests.digestsFor("ns", "emqx")).toEqual({ Service: EMPTY_DIGEST, Pod: EMPTY_DIGEST });
  });

  it("replaces a scope wholesale on a relist", () => {
    const digests = new ChildDigests();
    digests.applyList(PODS, [pod("a", "1"), pod("b", "2")]);
    digests.applyList(PODS, [pod("b", "3")]);
    expect(digests.digestsFor("ns", "emqx")?.Pod).toBe(digestOf([pod("b", "3")]));
  });
});
