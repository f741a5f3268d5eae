import { describe, expect, it } from "vitest";
import { InvalidEventPatternError } from "../../src/embedded/errors.ts";
import { matchesPattern, validatePattern } from "../../src/embedded/patternMatcher.ts";
import { docExamples } from "./patternMatcher.docExamples.ts";

const match = (pattern: object, event: object) => matchesPattern(pattern, event);

describe("matchesPattern against AWS's documented examples", () => {
  it.each(docExamples)("$name → $matches ($page)", ({ pattern, event, matches }) => {
    expect(match(pattern, event)).toBe(matches);
  });
});

describe("matchesPattern beyond the doc examples", () => {
  it("matches any element of an event array against every operator", () => {
    expect(match({ tags: [{ prefix: "ins" }] }, { tags: ["Custom_Alert", "Insider"] })).toBe(false);
    expect(match({ tags: [{ prefix: "Ins" }] }, { tags: ["Custom_Alert", "Insider"] })).toBe(true);
    expect(match({ n: [{ numeric: [">", 5] }] }, { n: [1, [2, 9]] })).toBe(true);
  });

  it("keeps fields of one array element together (array-consistent matching)", () => {
    const event = {
      employees: [
        { firstName: "John", lastName: "Doe" },
        { firstName: "Anna", lastName: "Smith" },
      ],
    };
    expect(match({ employees: { firstName: ["Anna"] } }, event)).toBe(true);
    expect(match({ employees: { firstName: ["Anna"], lastName: ["Smith"] } }, event)).toBe(true);
    expect(match({ employees: { firstName: ["Anna"], lastName: ["Doe"] } }, event)).toBe(false);
  });

  it("treats empty arrays, objects and missing parents as absent leaves", () => {
    const absent = { a: [{ exists: false }] };
    expect(match(absent, { a: [] })).toBe(true);
    expect(match(absent, { a: [{ b: 1 }] })).toBe(true);
    expect(match({ a: [{ exists: true }] }, { a: null })).toBe(true);
    expect(match({ detail: { a: [{ exists: false }] } }, {})).toBe(true);
    expect(match({ detail: { a: [{ exists: true }] } }, { detail: "text" })).toBe(false);
  });

  it("never lets anything-but or exists:true match an absent field", () => {
    expect(match({ state: [{ "anything-but": "x" }] }, {})).toBe(false);
    expect(match({ state: [{ exists: true }] }, { other: 1 })).toBe(false);
  });

  it("compares types strictly: numbers only match numeric, strings only string operators", () => {
    expect(match({ n: [{ numeric: [">", 0] }] }, { n: "5" })).toBe(false);
    expect(match({ n: [5] }, { n: "5" })).toBe(false);
    expect(match({ s: [{ prefix: "1" }] }, { s: 12 })).toBe(false);
    expect(match({ b: [true] }, { b: true })).toBe(true);
    expect(match({ b: [true] }, { b: "true" })).toBe(false);
  });

  it("reads wildcard escapes: \\* is a star, \\\\ a backslash", () => {
    expect(match({ f: [{ wildcard: "a\\*b" }] }, { f: "a*b" })).toBe(true);
    expect(match({ f: [{ wildcard: "a\\*b" }] }, { f: "aXb" })).toBe(false);
    expect(match({ f: [{ wildcard: "a\\\\*" }] }, { f: "a\\anything" })).toBe(true);
    expect(match({ f: [{ wildcard: "*" }] }, { f: "" })).toBe(true);
    expect(match({ f: [{ wildcard: "a*a*a" }] }, { f: "aa" })).toBe(false);
    expect(match({ f: [{ wildcard: "a*b*c" }] }, { f: "a-b-b-c" })).toBe(true);
  });

  it("matches IPv6 in every spelling and keeps families apart", () => {
    const v6 = { ip: [{ cidr: "2001:db8::/32" }] };
    expect(match(v6, { ip: "2001:0DB8:0000:0000:0000:0000:0000:0001" })).toBe(true);
    expect(match({ ip: [{ cidr: "::ffff:0:0/96" }] }, { ip: "::ffff:10.0.0.1" })).toBe(true);
    expect(match({ ip: [{ cidr: "10.0.0.0/8" }] }, { ip: "::ffff:10.0.0.1" })).toBe(false);
    expect(match({ ip: [{ cidr: "0.0.0.0/0" }] }, { ip: "not-an-ip" })).toBe(false);
    expect(match({ ip: [{ cidr: "10.1.2.3" }] }, { ip: "10.1.2.3" })).toBe(true);
  });

  it("bounds IPv4 blocks exactly, from /0 to /32", () => {
    const in24 = { ip: [{ cidr: "10.0.0.0/24" }] };
    expect(match(in24, { ip: "10.0.0.0" })).toBe(true);
    expect(match(in24, { ip: "10.0.0.255" })).toBe(true);
    expect(match(in24, { ip: "10.0.1.0" })).toBe(false);
    expect(match(in24, { ip: "9.255.255.255" })).toBe(false);
    expect(match({ ip: [{ cidr: "0.0.0.0/0" }] }, { ip: "255.255.255.255" })).toBe(true);
    expect(match({ ip: [{ cidr: "10.0.0.7/32" }] }, { ip: "10.0.0.8" })).toBe(false);
    expect(match({ ip: [{ cidr: "10.0.0.9/24" }] }, { ip: "10.0.0.1" })).toBe(true);
    for (const bad of ["256.0.0.1", "10.0.0", "10.0.0.0.1", "10..0.1", "1234.0.0.1", " 10.0.0.1"]) {
      expect(match({ ip: [{ cidr: "0.0.0.0/0" }] }, { ip: bad })).toBe(false);
    }
  });

  it("ORs operators and literals inside one array", () => {
    const pattern = { state: ["stopped", { prefix: "run" }, { exists: false }] };
    expect(match(pattern, { state: "stopped" })).toBe(true);
    expect(match(pattern, { state: "running" })).toBe(true);
    expect(match(pattern, {})).toBe(true);
    expect(match(pattern, { state: "pending" })).toBe(false);
  });

  it("nests $or alternatives inside $or and ANDs them with sibling fields", () => {
    const pattern = { source: ["s"], $or: [{ a: [1] }, { b: [2], $or: [{ c: [3] }, { d: [4] }] }] };
    expect(match(pattern, { source: "s", b: 2, d: 4 })).toBe(true);
    expect(match(pattern, { source: "s", b: 2 })).toBe(false);
    expect(match(pattern, { source: "t", a: 1 })).toBe(false);
  });

  it("ignores inherited properties of the event", () => {
    expect(match({ constructor: [{ exists: true }] }, {})).toBe(false);
  });
});

describe("validatePattern", () => {
  const refused: Array<[string, unknown, string, RegExp]> = [
    ["a non-object pattern", ["source"], "", /a pattern is a JSON object/],
    ["an empty pattern", {}, "", /names at least one field/],
    ["a bare leaf value", { source: "aws.ec2" }, "source", /array of values or a nested pattern/],
    ["an empty value array", { source: [] }, "source", /at least one value/],
    [
      "an unknown operator",
      { detail: { cause: [{ prefx: "a" }] } },
      "detail.cause[0]",
      /unknown operator "prefx"/,
    ],
    ["two operators in one object", { a: [{ prefix: "a", suffix: "b" }] }, "a[0]", /exactly one/],
    ["an array inside a value array", { a: [["x"]] }, "a[0]", /values are strings/],
    ["exists with a string", { a: [{ exists: "yes" }] }, "a[0]", /true or false/],
    ["prefix with a number", { a: [{ prefix: 1 }] }, "a[0]", /"prefix" takes a string/],
    ["numeric with a bad operator", { a: [{ numeric: ["!=", 1] }] }, "a[0]", /"numeric" takes/],
    ["numeric with an inverted range", { a: [{ numeric: [">", 5, "<", 1] }] }, "a[0]", /low < high/],
    ["numeric = inside a range", { a: [{ numeric: ["=", 5, "<", 9] }] }, "a[0]", /"numeric" takes/],
    [
      "a mixed anything-but list",
      { a: [{ "anything-but": ["a", 1] }] },
      "a[0]",
      /only strings or only numbers/,
    ],
    [
      "anything-but numeric",
      { a: [{ "anything-but": { numeric: [">", 1] } }] },
      "a[0]",
      /"anything-but" takes/,
    ],
    ["consecutive wildcard stars", { a: [{ wildcard: "a**b" }] }, "a[0]", /consecutive wildcard/],
    ["a stray wildcard escape", { a: [{ wildcard: "a\\b" }] }, "a[0]", /escapes something other/],
    ["a malformed cidr", { a: [{ cidr: "10.0.0.300/8" }] }, "a[0]", /not an IPv4 or IPv6 CIDR/],
    ["a cidr prefix too long", { a: [{ cidr: "10.0.0.0/33" }] }, "a[0]", /from 0 to 32/],
    ["$or with one alternative", { $or: [{ a: ["x"] }] }, "$or", /at least two pattern objects/],
    ["$or alternatives that are not objects", { $or: [["a"], ["b"]] }, "$or", /at least two pattern objects/],
    ["a bad node inside $or", { $or: [{ a: ["x"] }, { b: "y" }] }, "$or[1].b", /array of values/],
  ];

  it.each(refused)("refuses %s", (_name, pattern, path, message) => {
    let error: unknown;
    try {
      validatePattern(pattern);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect((error as InvalidEventPatternError).path).toBe(path);
    expect((error as Error).message).toMatch(message);
  });

  it("accepts every documented example pattern", () => {
    for (const { pattern } of docExamples) expect(() => validatePattern(pattern)).not.toThrow();
  });

  it("makes matchesPattern throw the same error for a malformed pattern", () => {
    expect(() => match({ a: [{ nope: 1 }] }, { a: 1 })).toThrow(InvalidEventPatternError);
  });
});
