import { describe, expect, it } from "vitest";
import { RecentMemo } from "../src/recentMemo.ts";

describe("RecentMemo", () => {
  it("computes a key once, and drops the least recently used entry beyond its capacity", () => {
    const memo = new RecentMemo<number>(2);
    const computed: string[] = [];
    const get = (key: string) =>
      memo.get(key, () => {
        computed.push(key);
        return key.length;
      });
    get("a");
    get("bb");
    get("a");
    get("ccc");
    get("a");
    get("bb");
    expect(computed).toEqual(["a", "bb", "ccc", "bb"]);
  });

  it("holds undefined results too", () => {
    const memo = new RecentMemo<undefined>(2);
    let calls = 0;
    memo.get("k", () => {
      calls++;
      return undefined;
    });
    memo.get("k", () => {
      calls++;
      return undefined;
    });
    expect(calls).toBe(1);
  });
});
