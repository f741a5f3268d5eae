import { describe, expect, it } from "vitest";
import { compareText } from "../src/compareText.ts";

describe("compareText", () => {
  it("orders Kubernetes names as Go's string comparison does", () => {
    const names = [
      "emqx-core-b-10",
      "emqx-core-b-2",
      "emqx-core.b",
      "emqx-core-a-1",
      "emqx-core",
      "emqx-core-b-1",
    ];
    expect([...names].sort(compareText)).toEqual([
      "emqx-core",
      "emqx-core-a-1",
      "emqx-core-b-1",
      "emqx-core-b-10",
      "emqx-core-b-2",
      "emqx-core.b",
    ]);
  });

  it("agrees with localeCompare on lowercase DNS names, and says 0 only for equal text", () => {
    const names = ["a-b", "ab", "a.b", "a0", "a-0", "z", "a", "0a", "a--b"];
    const byLocale = [...names].sort((a, b) => a.localeCompare(b));
    expect([...names].sort(compareText)).toEqual(byLocale);
    expect(compareText("x", "x")).toBe(0);
    expect(compareText("x", "y")).toBe(-1);
    expect(compareText("y", "x")).toBe(1);
  });
});
