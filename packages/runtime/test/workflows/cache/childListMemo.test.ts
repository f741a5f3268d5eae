import type { KubeObject } from "@emqx-reconciler/adapters";
import { describe, expect, it } from "vitest";
import { ChildListMemo } from "../../../src/workflows/cache/childListMemo.ts";
import { digestOf, EMPTY_DIGEST } from "../../../src/workflows/cache/versionDigest.ts";
import { child } from "../forward/fixtures.ts";

const CR = "ns/emqx";
const svc = (rv: string, uid = "u-svc") =>
  child("Service", "emqx-dashboard", "emqx", { namespace: "ns", uid, resourceVersion: rv });

function memoAt(clock: { ms: number }, options: { maxCrs?: number; maxAgeMs?: number } = {}) {
  return new ChildListMemo({ ...options, now: () => clock.ms });
}

describe("ChildListMemo", () => {
  it("serves a remembered list only for the digest of exactly that list", () => {
    const memo = memoAt({ ms: 0 });
    memo.remember(CR, "Service", [svc("5")]);
    expect(memo.lookup(CR, "Service", digestOf([svc("5")]))?.map((s) => s.metadata?.resourceVersion)).toEqual(
      ["5"],
    );
    expect(memo.lookup(CR, "Service", digestOf([svc("6")]))).toBeUndefined();
    expect(memo.lookup(CR, "Service", digestOf([svc("5"), svc("7", "u-other")]))).toBeUndefined();
    expect(memo.lookup(CR, "Service", EMPTY_DIGEST)).toBeUndefined();
    expect(memo.stats()).toMatchObject({ hits: 1, misses: 3 });
  });

  it("lists when the hint has no digest, or nothing is remembered (unless the forwarder saw no child)", () => {
    const memo = memoAt({ ms: 0 });
    memo.remember(CR, "Service", [svc("5")]);
    expect(memo.lookup(CR, "Service", undefined)).toBeUndefined();
    expect(memo.lookup(CR, "Pod", digestOf([svc("5")]))).toBeUndefined();
    expect(memo.lookup("ns/other", "Service", digestOf([svc("5")]))).toBeUndefined();
    expect(memo.lookup(CR, "Pod", EMPTY_DIGEST)).toEqual([]);
  });

  it("lists again once the remembered list is older than the bound", () => {
    const clock = { ms: 0 };
    const memo = memoAt(clock, { maxAgeMs: 1000 });
    memo.remember(CR, "Service", [svc("5")]);
    clock.ms = 1000;
    expect(memo.lookup(CR, "Service", digestOf([svc("5")]))).toHaveLength(1);
    memo.noteWritten(CR, "Service", svc("6"));
    clock.ms = 1001;
    // A write does not make the list younger: its age counts from the list.
    expect(memo.lookup(CR, "Service", digestOf([svc("6")]))).toBeUndefined();
    expect(memo.lookup(CR, "Service", EMPTY_DIGEST)).toEqual([]);
  });

  it("forgets the least recently used CR beyond its bound", () => {
    const memo = memoAt({ ms: 0 }, { maxCrs: 2 });
    memo.remember("ns/a", "Service", [svc("1")]);
    memo.remember("ns/b", "Service", [svc("2")]);
    expect(memo.lookup("ns/a", "Service", digestOf([svc("1")]))).toHaveLength(1);
    memo.remember("ns/c", "Service", [svc("3")]);
    expect(memo.stats()).toMatchObject({ crs: 2, evicted: 1 });
    expect(memo.lookup("ns/b", "Service", digestOf([svc("2")]))).toBeUndefined();
    expect(memo.lookup("ns/a", "Service", digestOf([svc("1")]))).toHaveLength(1);
  });

  it("forgets the least recently used CRs none of whose lists could still be served", () => {
    const clock = { ms: 0 };
    const memo = memoAt(clock, { maxAgeMs: 1000 });
    memo.remember("ns/a", "Service", [svc("1")]);
    clock.ms = 600;
    memo.remember("ns/b", "Service", [svc("2")]);
    clock.ms = 1500;
    memo.remember("ns/c", "Service", [svc("3")]);
    expect(memo.stats()).toMatchObject({ crs: 2, evicted: 1 });
    expect(memo.lookup("ns/b", "Service", digestOf([svc("2")]))).toHaveLength(1);
  });

  it("takes in the newer version a write returned, never an older one, and forgets a kind on request", () => {
    const memo = memoAt({ ms: 0 });
    memo.remember(CR, "Service", [svc("5")]);
    memo.noteWritten(CR, "Service", svc("8"));
    memo.noteWritten(CR, "Service", svc("7"));
    expect(memo.lookup(CR, "Service", digestOf([svc("8")]))).toHaveLength(1);
    memo.forget(CR, "Service");
    expect(memo.lookup(CR, "Service", digestOf([svc("8")]))).toBeUndefined();
    // Nothing remembered: a write alone starts no list.
    memo.noteWritten(
      CR,
      "ConfigMap",
      child("ConfigMap", "c", "emqx", { namespace: "ns", resourceVersion: "9" }),
    );
    expect(memo.lookup(CR, "ConfigMap", digestOf([]))).toEqual([]);
  });

  it("keeps Secrets as metadata only, and drops other managers' managedFields", () => {
    const memo = memoAt({ ms: 0 });
    const secret = {
      ...child("Secret", "emqx-node-cookie", "emqx", { namespace: "ns", resourceVersion: "3" }),
      data: { cookie: "c2VjcmV0" },
    } as KubeObject;
    memo.remember(CR, "Secret", [secret]);
    const [served] = memo.lookup(CR, "Secret", digestOf([secret])) ?? [];
    expect(served?.data).toBeUndefined();
    expect(served?.metadata?.name).toBe("emqx-node-cookie");
  });
});
