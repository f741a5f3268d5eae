import { compileCidr } from "./ipAddress.ts";
import { compileWildcard } from "./wildcard.ts";

/** Tests the leaf values found at one field of an event (empty when the field is absent or not a leaf). */
export type LeafTest = (leaves: readonly unknown[]) => boolean;
type ValueTest = (value: unknown) => boolean;
type StringTest = (value: string) => boolean;

/** Thrown inside compilation with the rule broken; the caller adds the path (and `index`, when known). */
export class OperatorError extends Error {
  index: number | undefined;

  constructor(message: string, index?: number) {
    super(message);
    this.index = index;
  }
}

const NUMERIC_LOWER = new Set([">", ">="]);
const NUMERIC_UPPER = new Set(["<", "<="]);
const wildcardCache = new Map<string, StringTest>();
const WILDCARD_CACHE_LIMIT = 1_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function needString(value: unknown, operator: string): string {
  if (typeof value !== "string") throw new OperatorError(`"${operator}" takes a string`);
  return value;
}

/** Wildcard matchers are shared by text, so patterns parsed afresh (e.g. from JSON) still compile once. */
function cachedWildcard(pattern: string): StringTest {
  let test = wildcardCache.get(pattern);
  if (!test) {
    try {
      test = compileWildcard(pattern);
    } catch (error) {
      throw new OperatorError((error as Error).message);
    }
    if (wildcardCache.size >= WILDCARD_CACHE_LIMIT) wildcardCache.clear();
    wildcardCache.set(pattern, test);
  }
  return test;
}

/** `prefix` / `suffix` with a plain string or `{ "equals-ignore-case": … }`. */
function compileAffix(operator: "prefix" | "suffix", spec: unknown): StringTest {
  const at = operator === "prefix" ? "startsWith" : "endsWith";
  if (typeof spec === "string") return (v) => v[at](spec);
  const keys = isRecord(spec) ? Object.keys(spec) : [];
  if (keys.length === 1 && keys[0] === "equals-ignore-case" && isRecord(spec)) {
    const folded = needString(spec["equals-ignore-case"], `${operator}.equals-ignore-case`).toLowerCase();
    return (v) => v.toLowerCase()[at](folded);
  }
  throw new OperatorError(`"${operator}" takes a string or { "equals-ignore-case": string }`);
}

function ignoreCase(spec: unknown, operator: string): StringTest {
  const folded = needString(spec, operator).toLowerCase();
  return (v) => v.toLowerCase() === folded;
}

/** Compiles `"string"` or `["string", …]` with `compile` and ORs the results. */
function oneOrMany(spec: unknown, operator: string, compile: (s: unknown) => StringTest): StringTest {
  if (!Array.isArray(spec)) return compile(spec);
  if (spec.length === 0) throw new OperatorError(`"${operator}" needs at least one value`);
  const tests = spec.map(compile);
  return (v) => tests.some((t) => t(v));
}

/** `anything-but`: a string, a number, a list of only strings or only numbers, or a string-operator object. */
function compileAnythingBut(spec: unknown): ValueTest {
  if (typeof spec === "string" || typeof spec === "number") return (v) => v !== spec;
  if (Array.isArray(spec)) {
    const kinds = new Set(spec.map((item) => typeof item));
    if (spec.length === 0 || kinds.size !== 1 || !(kinds.has("string") || kinds.has("number"))) {
      throw new OperatorError('"anything-but" lists must be non-empty and hold only strings or only numbers');
    }
    const excluded = new Set<unknown>(spec);
    return (v) => !excluded.has(v);
  }
  const [operator, inner] =
    isRecord(spec) && Object.keys(spec).length === 1 ? (Object.entries(spec)[0] ?? []) : [];
  let excluded: StringTest;
  if (operator === "prefix" || operator === "suffix") {
    excluded = oneOrMany(inner, `anything-but.${operator}`, (s) =>
      compileAffix(operator, needString(s, operator)),
    );
  } else if (operator === "equals-ignore-case") {
    excluded = oneOrMany(inner, "anything-but.equals-ignore-case", (s) => ignoreCase(s, operator));
  } else if (operator === "wildcard") {
    excluded = oneOrMany(inner, "anything-but.wildcard", (s) => cachedWildcard(needString(s, operator)));
  } else {
    throw new OperatorError(
      '"anything-but" takes a string, a number, a list, or one of { prefix | suffix | equals-ignore-case | wildcard }',
    );
  }
  return (v) => typeof v !== "string" || !excluded(v);
}

/** `numeric`: `["=", n]`, `[op, n]` or a range `[">"|">=", low, "<"|"<=", high]` with low < high. */
function compileNumeric(spec: unknown): ValueTest {
  const rule = '"numeric" takes [op, number] or [">"|">=", low, "<"|"<=", high] with low < high';
  if (!Array.isArray(spec) || (spec.length !== 2 && spec.length !== 4)) throw new OperatorError(rule);
  const pairs: Array<[unknown, unknown]> = [[spec[0], spec[1]]];
  if (spec.length === 4) pairs.push([spec[2], spec[3]]);
  const tests = pairs.map(([op, bound]): ((n: number) => boolean) => {
    if (typeof bound !== "number" || !Number.isFinite(bound)) throw new OperatorError(rule);
    if (op === "=" && spec.length === 2) return (n) => n === bound;
    if (op === ">") return (n) => n > bound;
    if (op === ">=") return (n) => n >= bound;
    if (op === "<") return (n) => n < bound;
    if (op === "<=") return (n) => n <= bound;
    throw new OperatorError(rule);
  });
  if (spec.length === 4 && !(NUMERIC_LOWER.has(spec[0]) && NUMERIC_UPPER.has(spec[2]) && spec[1] < spec[3])) {
    throw new OperatorError(rule);
  }
  return (v) => typeof v === "number" && tests.every((t) => t(v));
}

const stringOperators: Record<string, (spec: unknown) => StringTest> = {
  prefix: (spec) => compileAffix("prefix", spec),
  suffix: (spec) => compileAffix("suffix", spec),
  "equals-ignore-case": (spec) => ignoreCase(spec, "equals-ignore-case"),
  wildcard: (spec) => cachedWildcard(needString(spec, "wildcard")),
};

const valueOperators: Record<string, (spec: unknown) => ValueTest> = {
  "anything-but": compileAnythingBut,
  numeric: compileNumeric,
  cidr: (spec) => {
    try {
      return compileCidr(needString(spec, "cidr"));
    } catch (error) {
      throw new OperatorError((error as Error).message);
    }
  },
};

/** Every operator name the matcher knows, for error messages. */
export const OPERATORS = ["exists", ...Object.keys(stringOperators), ...Object.keys(valueOperators)];

/** Compiles one `{ operator: spec }` object of a leaf array. */
function compileOperator(operatorObject: Record<string, unknown>): LeafTest {
  const entries = Object.entries(operatorObject);
  const [operator, spec] = entries[0] ?? [];
  if (entries.length !== 1 || operator === undefined) {
    throw new OperatorError(`an operator object holds exactly one of: ${OPERATORS.join(", ")}`);
  }
  if (operator === "exists") {
    if (typeof spec !== "boolean") throw new OperatorError('"exists" takes true or false');
    return (leaves) => leaves.length > 0 === spec;
  }
  const stringOp = stringOperators[operator];
  if (stringOp) {
    const test = stringOp(spec);
    return (leaves) => leaves.some((v) => typeof v === "string" && test(v));
  }
  const valueOp = valueOperators[operator];
  if (valueOp) {
    const test = valueOp(spec);
    return (leaves) => leaves.some(test);
  }
  throw new OperatorError(`unknown operator "${operator}" (expected one of: ${OPERATORS.join(", ")})`);
}

/**
 * Compiles the array at a pattern leaf: literals (string, number, boolean, null) match by equality, operator
 * objects by their rule; the array is an OR. Throws {@link OperatorError} with the index of the bad element.
 */
export function compileLeafList(values: readonly unknown[]): LeafTest {
  if (values.length === 0) throw new OperatorError("a value array must list at least one value");
  const literals = new Set<unknown>();
  const tests: LeafTest[] = [];
  for (const [index, value] of values.entries()) {
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
      literals.add(value);
    } else if (isRecord(value)) {
      try {
        tests.push(compileOperator(value));
      } catch (error) {
        throw new OperatorError((error as Error).message, index);
      }
    } else {
      throw new OperatorError("values are strings, numbers, booleans, null or operator objects", index);
    }
  }
  if (literals.size > 0) tests.push((leaves) => leaves.some((v) => literals.has(v)));
  return tests.length === 1 ? (tests[0] as LeafTest) : (leaves) => tests.some((t) => t(leaves));
}
