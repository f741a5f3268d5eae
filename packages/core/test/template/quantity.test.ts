import { describe, expect, it } from "vitest";
import { canonicalQuantity, parseQuantity, quantitiesEqual } from "../../src/template/quantity.ts";

describe("parseQuantity", () => {
  it("reads binary, decimal and exponent suffixes exactly", () => {
    expect(parseQuantity("1Gi")).toEqual({ num: 1073741824n, den: 1n });
    expect(parseQuantity("250m")).toEqual({ num: 1n, den: 4n });
    expect(parseQuantity("1.5k")).toEqual({ num: 1500n, den: 1n });
    expect(parseQuantity("1e3")).toEqual({ num: 1000n, den: 1n });
    expect(parseQuantity(".5")).toEqual({ num: 1n, den: 2n });
    expect(parseQuantity(2)).toEqual({ num: 2n, den: 1n });
  });

  it("rejects text that is not a quantity", () => {
    expect(parseQuantity("1 Gi")).toBeUndefined();
    expect(parseQuantity("lots")).toBeUndefined();
    expect(parseQuantity("1GB")).toBeUndefined();
  });
});

describe("quantitiesEqual", () => {
  it.each([
    ["1Gi", "1024Mi"],
    ["250m", "0.25"],
    ["1", 1],
    ["1000m", "1"],
    ["1k", "1000"],
    ["512Mi", "536870912"],
  ])("%s equals %s", (a, b) => expect(quantitiesEqual(a, b)).toBe(true));

  it.each([
    ["1Gi", "1G"],
    ["250m", "0.3"],
  ])("%s differs from %s", (a, b) => expect(quantitiesEqual(a, b)).toBe(false));
});

describe("canonicalQuantity with milli rounding", () => {
  it("rounds up to whole milli units like the apiserver's resource lists", () => {
    expect(canonicalQuantity("0.0001", true)).toBe(canonicalQuantity("1m"));
    expect(canonicalQuantity("100u", true)).toBe(canonicalQuantity("1m"));
    expect(canonicalQuantity("2500m", true)).toBe(canonicalQuantity("2.5"));
  });

  it("leaves text that is not a quantity unchanged", () => {
    expect(canonicalQuantity("n/a", true)).toBe("n/a");
  });
});
