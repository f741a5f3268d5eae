import { describe, expect, it } from "vitest";
import { parseHocon } from "../../src/hocon/index.ts";

describe("parseHocon's memo", () => {
  it("hands out one result per text and rethrows the same error for a bad one", () => {
    const first = parseHocon("a { b = 1 }");
    expect(parseHocon("a { b = 1 }")).toBe(first);
    expect(parseHocon("a { b = 1 }", { source: "elsewhere" })).not.toBe(first);
    let thrown: unknown;
    try {
      parseHocon("a = {");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeDefined();
    expect(() => parseHocon("a = {")).toThrow(thrown as Error);
  });
});
