import type { KubeObject } from "@emqx-reconciler/adapters";
import { FIELD_MANAGER } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { compactObject, LAST_APPLIED_ANNOTATION } from "../../../src/workflows/cache/compact.ts";
import {
  matchesSelector,
  parseSelector,
  selectorImplies,
} from "../../../src/workflows/cache/labelSelector.ts";
import { isNewerVersion, ObjectCache } from "../../../src/workflows/cache/objectCache.ts";

const CHILDREN = "apps.emqx.io/instance,apps.emqx.io/managed-by=emqx-operator";
const SCOPE = { kind: "ConfigMap" as const, namespace: "ns", labelSelector: CHILDREN };

function configMap(
  name: string,
  resourceVersion: string,
  instance = "emqx",
  uid = `uid-${name}`,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace: "ns",
      uid,
      resourceVersion,
      labels: { "apps.emqx.io/instance": instance, "apps.emqx.io/managed-by": "emqx-operator" },
    },
    data: { version: resourceVersion },
  };
}

describe("label selectors", () => {
  it("match equality, inequality and existence terms", () => {
    const labels = { a: "1", b: "2" };
    expect(matchesSelector(labels, parseSelector("a=1,b") ?? [])).toBe(true);
    expect(matchesSelector(labels, parseSelector("a==1,b!=3,!c") ?? [])).toBe(true);
    expect(matchesSelector(labels, parseSelector("a=2") ?? [])).toBe(false);
    expect(matchesSelector(labels, parseSelector("c") ?? [])).toBe(false);
    expect(parseSelector("a in (1,2)")).toBeUndefined();
  });

  it("know when one selector's matches are all inside another's", () => {
    const scope = parseSelector(CHILDREN) ?? [];
    const owned = parseSelector("apps.emqx.io/instance=emqx,apps.emqx.io/managed-by=emqx-operator") ?? [];
    expect(selectorImplies(owned, scope)).toBe(true);
    expect(selectorImplies(parseSelector("apps.emqx.io/managed-by=emqx-operator") ?? [], scope)).toBe(false);
    expect(selectorImplies(scope, [])).toBe(true);
  });
});

describe("compact entries", () => {
  it("keep our field manager's entry, drop the others and the last-applied annotation", () => {
    const obj: KubeObject = {
      kind: "Service",
      metadata: {
        name: "s",
        annotations: { [LAST_APPLIED_ANNOTATION]: "{}", keep: "yes" },
        managedFields: [
          { manager: FIELD_MANAGER, operation: "Apply", fieldsV1: { "f:spec": {} } },
          { manager: "kube-controller-manager", operation: "Update", fieldsV1: { "f:status": {} } },
        ],
      },
      spec: { ports: [] },
    };
    const compact = compactObject("Service", obj);
    expect(compact.metadata?.annotations).toEqual({ keep: "yes" });
    expect(compact.metadata?.managedFields?.map((m) => m.manager)).toEqual([FIELD_MANAGER]);
    expect(compact.spec).toEqual({ ports: [] });
    expect(obj.metadata?.managedFields).toHaveLength(2);
  });

  it("keep only the metadata of a Secret", () => {
    const secret = compactObject("Secret", {
      kind: "Secret",
      metadata: { name: "k" },
      data: { key: "c2VjcmV0" },
    });
    expect(secret).toEqual({ apiVersion: undefined, kind: "Secret", metadata: { name: "k" } });
  });
});

describe("ObjectCache", () => {
  it("compares resourceVersions as numbers, and lets an incomparable one win", () => {
    expect(isNewerVersion("10", "9")).toBe(true);
    expect(isNewerVersion("9", "10")).toBe(false);
    expect(isNewerVersion("9", "9")).toBe(false);
    expect(isNewerVersion("abc", "9")).toBe(true);
  });

  it("covers nothing before its scope is listed, then answers gets and lists by selector", () => {
    const cache = new ObjectCache();
    expect(
      cache.covers("ConfigMap", "ns", "apps.emqx.io/instance=emqx,apps.emqx.io/managed-by=emqx-operator"),
    ).toBe(false);
    cache.replaceScope(
      SCOPE,
      [configMap("b", "5"), configMap("a", "4"), configMap("other", "6", "other")],
      "7",
    );
    const owned = "apps.emqx.io/instance=emqx,apps.emqx.io/managed-by=emqx-operator";
    expect(cache.covers("ConfigMap", "ns", owned)).toBe(true);
    expect(cache.covers("ConfigMap", "ns", "apps.emqx.io/managed-by=emqx-operator")).toBe(false);
    expect(cache.covers("ConfigMap", "elsewhere", owned)).toBe(false);
    expect(cache.list("ConfigMap", "ns", owned).map((o) => o.metadata?.name)).toEqual(["a", "b"]);
    expect(cache.get("ConfigMap", "ns", "a")?.data).toEqual({ version: "4" });
    expect(cache.resourceVersion("ConfigMap", "ns")).toBe("7");
  });

  it("never goes back in time: an older event or write is ignored", () => {
    const cache = new ObjectCache();
    cache.replaceScope(SCOPE, [configMap("a", "10")], "10");
    cache.applyEvent(SCOPE, { type: "MODIFIED", object: configMap("a", "8") });
    cache.noteWritten("ConfigMap", configMap("a", "9"));
    expect(cache.get("ConfigMap", "ns", "a")?.metadata?.resourceVersion).toBe("10");
    cache.noteWritten("ConfigMap", configMap("a", "12"));
    cache.applyEvent(SCOPE, { type: "MODIFIED", object: configMap("a", "11") });
    expect(cache.get("ConfigMap", "ns", "a")?.metadata?.resourceVersion).toBe("12");
    expect(cache.stats()).toMatchObject({ objects: 1, staleIgnored: 3 });
  });

  it("never brings back a deleted object: a write's answer that arrives after the object's DELETED event is ignored", () => {
    // Seen live: a pass patched a pod the ReplicaSet was deleting; the watch delivered the DELETED event before the
    // patch's answer came back, and the answer (resourceVersion 11, terminating) put the pod back for good.
    const cache = new ObjectCache();
    cache.replaceScope(SCOPE, [configMap("a", "10")], "10");
    cache.applyEvent(SCOPE, { type: "DELETED", object: configMap("a", "12") });
    cache.noteWritten("ConfigMap", configMap("a", "11"));
    expect(cache.get("ConfigMap", "ns", "a")).toBeUndefined();
    // The same after a relist that no longer holds it.
    cache.replaceScope(SCOPE, [configMap("b", "13")], "14");
    cache.noteWritten("ConfigMap", configMap("b", "12"));
    cache.noteWritten("ConfigMap", configMap("gone", "13"));
    expect(cache.list("ConfigMap", "ns").map((o) => o.metadata?.name)).toEqual(["b"]);
    expect(cache.get("ConfigMap", "ns", "b")?.metadata?.resourceVersion).toBe("13");
    expect(cache.stats().staleIgnored).toBe(3);
  });

  it("takes in an object it does not hold when it is newer than everything the watch delivered (a create)", () => {
    const cache = new ObjectCache();
    cache.replaceScope(SCOPE, [], "10");
    cache.noteWritten("ConfigMap", configMap("new", "11"));
    expect(cache.get("ConfigMap", "ns", "new")?.metadata?.resourceVersion).toBe("11");
    // Its ADDED event, then a newer one, follow as usual.
    cache.applyEvent(SCOPE, { type: "ADDED", object: configMap("new", "11") });
    cache.applyEvent(SCOPE, { type: "MODIFIED", object: configMap("new", "15") });
    expect(cache.get("ConfigMap", "ns", "new")?.metadata?.resourceVersion).toBe("15");
  });

  it("deletes only the object whose UID the event or delete names", () => {
    const cache = new ObjectCache();
    cache.replaceScope(SCOPE, [configMap("a", "3", "emqx", "new-uid")], "3");
    cache.applyEvent(SCOPE, { type: "DELETED", object: configMap("a", "2", "emqx", "old-uid") });
    cache.noteDeleted("ConfigMap", "ns", "a", "old-uid");
    expect(cache.get("ConfigMap", "ns", "a")).toBeDefined();
    cache.noteDeleted("ConfigMap", "ns", "a", "new-uid");
    expect(cache.get("ConfigMap", "ns", "a")).toBeUndefined();
  });

  it("a relist replaces its scope: what vanished during a watch gap is gone, what appeared is there", () => {
    const cache = new ObjectCache();
    cache.replaceScope(SCOPE, [configMap("a", "3"), configMap("b", "4")], "4");
    cache.replaceScope(SCOPE, [configMap("b", "4"), configMap("c", "9")], "9");
    expect(cache.list("ConfigMap", "ns").map((o) => o.metadata?.name)).toEqual(["b", "c"]);
    expect(cache.stats()).toMatchObject({ lists: 2, objects: 2 });
  });

  it("drops a written object that left its scope's selector, and ignores kinds it does not hold", () => {
    const cache = new ObjectCache();
    cache.replaceScope(SCOPE, [configMap("a", "3")], "3");
    const unlabelled = configMap("a", "4");
    unlabelled.metadata = { ...unlabelled.metadata, labels: {} };
    cache.noteWritten("ConfigMap", unlabelled);
    cache.noteWritten("Service", { kind: "Service", metadata: { name: "s", namespace: "ns" } });
    expect(cache.stats().objects).toBe(0);
  });

  it("ignores events of a scope it never listed, and bookmarks only move its version", () => {
    const cache = new ObjectCache();
    cache.applyEvent(SCOPE, { type: "ADDED", object: configMap("a", "3") });
    expect(cache.stats().objects).toBe(0);
    cache.replaceScope(SCOPE, [], "3");
    cache.applyEvent(SCOPE, { type: "BOOKMARK", object: { metadata: { resourceVersion: "20" } } });
    expect(cache.resourceVersion("ConfigMap", "ns")).toBe("20");
    expect(cache.stats().objects).toBe(0);
  });

  it("lists one instance's objects through its index, which follows relabels and deletes", () => {
    const cache = new ObjectCache();
    cache.replaceScope(SCOPE, [configMap("a", "3"), configMap("b", "3", "other")], "3");
    const of = (instance: string) =>
      cache
        .list("ConfigMap", "ns", `apps.emqx.io/instance=${instance},apps.emqx.io/managed-by=emqx-operator`)
        .map((o) => o.metadata?.name);
    expect(of("emqx")).toEqual(["a"]);
    cache.applyEvent(SCOPE, { type: "MODIFIED", object: configMap("a", "4", "other") });
    expect(of("emqx")).toEqual([]);
    expect(of("other")).toEqual(["a", "b"]);
    cache.applyEvent(SCOPE, { type: "DELETED", object: configMap("b", "5", "other") });
    expect(of("other")).toEqual(["a"]);
    cache.noteWritten("ConfigMap", configMap("c", "6"));
    expect(of("emqx")).toEqual(["c"]);
    expect(cache.list("ConfigMap", "ns", CHILDREN).map((o) => o.metadata?.name)).toEqual(["a", "c"]);
  });

  it("stops covering a dropped scope, so reads go to the apiserver again", () => {
    const cache = new ObjectCache();
    cache.replaceScope(SCOPE, [configMap("a", "5")], "5");
    expect(cache.covers("ConfigMap", "ns", CHILDREN)).toBe(true);
    cache.dropScope(SCOPE);
    expect(cache.covers("ConfigMap", "ns", CHILDREN)).toBe(false);
    expect(cache.list("ConfigMap", "ns")).toEqual([]);
  });
});
