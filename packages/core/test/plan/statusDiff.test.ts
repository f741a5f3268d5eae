import { describe, expect, it } from "vitest";
import { sameJsonData, statusDiffers } from "../../src/plan/statusDiff.ts";
import { canonicalJson } from "../../src/template/canonicalJson.ts";

describe("sameJsonData", () => {
  it("ignores key order, undefined and null members, at every level", () => {
    expect(sameJsonData({ a: 1, b: { c: "x", d: undefined } }, { b: { e: null, c: "x" }, a: 1 })).toBe(true);
  });

  it("tells values, types, list lengths and extra members apart", () => {
    expect(sameJsonData({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameJsonData({ a: 1 }, { a: "1" })).toBe(false);
    expect(sameJsonData({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(sameJsonData({ a: 1 }, { a: 1, b: false })).toBe(false);
    expect(sameJsonData({ a: {} }, {})).toBe(false);
    expect(sameJsonData([{ a: 1 }], { 0: { a: 1 } })).toBe(false);
  });

  it("reads list holes as null, as JSON does", () => {
    expect(sameJsonData([undefined, 1], [null, 1])).toBe(true);
    expect(sameJsonData([undefined], [0])).toBe(false);
  });

  it("compares what is not plain data by its JSON text", () => {
    const when = new Date("2026-12-03T00:00:00Z");
    expect(sameJsonData({ at: when }, { at: "2026-12-03T00:00:00.000Z" })).toBe(true);
    expect(sameJsonData({ n: Number.NaN }, { n: Number.POSITIVE_INFINITY })).toBe(true);
    expect(sameJsonData({ n: Number.NaN }, { n: 0 })).toBe(false);
  });

  it("agrees with comparing the canonical JSON text on random status-like values", () => {
    // The comparison statusDiffers made before: canonical JSON text of a JSON round trip.
    const canonical = (v: unknown) => canonicalJson(JSON.parse(JSON.stringify(v ?? {})));
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const leaves = [0, 1, "a", "b", true, false, null, undefined];
    const value = (depth: number): unknown => {
      const pick = rand(depth > 2 ? 1 : 3);
      if (pick === 0) return leaves[rand(leaves.length)];
      if (pick === 1) return Array.from({ length: rand(3) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: rand(3) }, () => ["kxy"[rand(3)], value(depth + 1)]));
    };
    let same = 0;
    for (let i = 0; i < 3000; i++) {
      const a = value(0);
      const b = rand(2) === 0 ? JSON.parse(JSON.stringify(a ?? {})) : value(0);
      const expected = canonical(a) === canonical(b);
      if (expected) same++;
      expect(sameJsonData(a ?? {}, b ?? {}), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(expected);
    }
    expect(same).toBeGreaterThan(1000);
  });
});

describe("statusDiffers", () => {
  it("counts an absent status as an empty one", () => {
    expect(statusDiffers(undefined, {})).toBe(false);
    expect(statusDiffers(undefined, { coreNodesStatus: { replicas: 2 } } as never)).toBe(true);
  });
});
