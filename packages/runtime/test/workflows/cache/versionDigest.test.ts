import { describe, expect, it } from "vitest";
import {
  digestOf,
  EMPTY_DIGEST,
  VersionDigest,
  versionHash,
} from "../../../src/workflows/cache/versionDigest.ts";
import { child } from "../forward/fixtures.ts";

const a = child("Pod", "a", "emqx", { uid: "ua", resourceVersion: "10" });
const b = child("Pod", "b", "emqx", { uid: "ub", resourceVersion: "11" });
const c = child("Pod", "c", "emqx", { uid: "uc", resourceVersion: "12" });

describe("version digests", () => {
  it("do not depend on the order of the objects", () => {
    expect(digestOf([a, b, c])).toBe(digestOf([c, a, b]));
    expect(digestOf([a, b, c])).not.toBe(digestOf([a, b]));
  });

  it("follow a set through adds and removes, back to the empty set", () => {
    const running = new VersionDigest();
    running.add(versionHash("ua", "10"));
    running.add(versionHash("ub", "11"));
    expect(running.toString()).toBe(digestOf([a, b]));
    // b modified: its old version leaves, its new one enters.
    running.remove(versionHash("ub", "11"));
    running.add(versionHash("ub", "13"));
    expect(running.toString()).toBe(
      digestOf([a, { ...b, metadata: { ...b.metadata, resourceVersion: "13" } }]),
    );
    expect(running.toString()).not.toBe(digestOf([a, b]));
    running.remove(versionHash("ua", "10"));
    running.remove(versionHash("ub", "13"));
    expect(running.toString()).toBe(EMPTY_DIGEST);
    expect(digestOf([])).toBe(EMPTY_DIGEST);
  });

  it("tell apart the same versions under other uids, and refuse objects without a uid or resourceVersion", () => {
    expect(digestOf([a])).not.toBe(digestOf([{ ...a, metadata: { ...a.metadata, uid: "other" } }]));
    expect(digestOf([a, { ...b, metadata: { ...b.metadata, resourceVersion: undefined } }])).toBeUndefined();
  });
});
