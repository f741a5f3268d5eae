import { InvalidEventPatternError } from "./errors.ts";
import { compileLeafList, type LeafTest, OperatorError } from "./patternOperators.ts";

/** A literal or an operator object (`{ "prefix": "us-" }`, `{ "numeric": [">", 0] }`, …) in a pattern array. */
export type PatternValue = string | number | boolean | null | { readonly [operator: string]: unknown };

/**
 * The full shape of an EventBridge event pattern: fields AND, arrays OR, nested objects follow the event's
 * nesting, and `$or` lists alternative sub-patterns. The matcher takes any object (the api package declares its
 * patterns with a narrower interface) and checks it at run time with {@link validatePattern}.
 */
export interface ContentFilterPattern {
  readonly [field: string]: readonly PatternValue[] | ContentFilterPattern | readonly ContentFilterPattern[];
}

type NodeTest = (context: object) => boolean;

const NO_FIELDS: object = Object.freeze({});
const compiled = new WeakMap<object, NodeTest>();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Leaf values at a field: scalars (null included), arrays flattened; objects are not leaves. */
function leavesOf(value: unknown, into: unknown[] = []): unknown[] {
  if (value === undefined || isRecord(value)) return into;
  if (Array.isArray(value)) {
    for (const item of value) leavesOf(item, into);
  } else {
    into.push(value);
  }
  return into;
}

/** Objects a nested pattern is tried against: the object itself, or each object inside an array. */
function objectsOf(value: unknown, into: object[] = []): object[] {
  if (isRecord(value)) {
    into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) objectsOf(item, into);
  }
  return into;
}

function fieldOf(context: object, field: string): unknown {
  return Object.hasOwn(context, field) ? (context as Record<string, unknown>)[field] : undefined;
}

/**
 * A nested pattern matches if any one object found at the field satisfies it whole (fields from different
 * elements of one array never combine, like EventBridge's array-consistent matching). When no object is there,
 * only patterns satisfied by absence (e.g. `exists: false`) match.
 */
function nestedTest(child: NodeTest, field: string): NodeTest {
  return (context) => {
    const objects = objectsOf(fieldOf(context, field));
    return objects.length === 0 ? child(NO_FIELDS) : objects.some(child);
  };
}

function leafTest(test: LeafTest, field: string): NodeTest {
  return (context) => test(leavesOf(fieldOf(context, field)));
}

function compileOr(alternatives: unknown, path: string): NodeTest {
  if (!Array.isArray(alternatives) || alternatives.length < 2 || !alternatives.every(isRecord)) {
    throw new InvalidEventPatternError(path, '"$or" takes an array of at least two pattern objects');
  }
  const tests = alternatives.map((alternative, i) => compileNode(alternative, `${path}[${i}]`));
  return (context) => tests.some((t) => t(context));
}

function compileField(field: string, spec: unknown, path: string): NodeTest {
  if (field === "$or") return compileOr(spec, path);
  if (isRecord(spec)) return nestedTest(compileNode(spec, path), field);
  if (!Array.isArray(spec)) {
    throw new InvalidEventPatternError(path, "a field takes an array of values or a nested pattern object");
  }
  try {
    return leafTest(compileLeafList(spec), field);
  } catch (error) {
    if (!(error instanceof OperatorError)) throw error;
    const at = error.index === undefined ? path : `${path}[${error.index}]`;
    throw new InvalidEventPatternError(at, error.message, { cause: error });
  }
}

function compileNode(node: unknown, path: string): NodeTest {
  if (!isRecord(node)) throw new InvalidEventPatternError(path, "a pattern is a JSON object");
  const fields = Object.entries(node);
  if (fields.length === 0)
    throw new InvalidEventPatternError(path, "a pattern object names at least one field");
  const tests = fields.map(([field, spec]) =>
    compileField(
      field,
      spec,
      field === "$or" ? `${path}${path ? "." : ""}$or` : `${path}${path ? "." : ""}${field}`,
    ),
  );
  return tests.length === 1 ? (tests[0] as NodeTest) : (context) => tests.every((t) => t(context));
}

function compiledPattern(pattern: object): NodeTest {
  let test = compiled.get(pattern);
  if (!test) {
    test = compileNode(pattern, "");
    compiled.set(pattern, test);
  }
  return test;
}

/**
 * Checks a pattern the way EventBridge does when a rule is created: arrays at the leaves, known operators with
 * well-formed arguments, `$or` with two or more alternatives. Compiles and caches it, so a later
 * {@link matchesPattern} costs nothing extra. Patterns are treated as immutable once used.
 *
 * @throws InvalidEventPatternError naming the path and the rule broken.
 * @example validatePattern({ source: ["emqx-reconciler.forwarder"], detail: { cause: [{ "anything-but": "resync" }] } });
 */
export function validatePattern(pattern: unknown): asserts pattern is ContentFilterPattern {
  if (!isRecord(pattern)) throw new InvalidEventPatternError("", "a pattern is a JSON object");
  compiledPattern(pattern);
}

/**
 * EventBridge content filtering in process: `true` when `event` (the full envelope, `detail` parsed) matches.
 * Supports exact values, `prefix`/`suffix` (also with `equals-ignore-case`), `equals-ignore-case`, `wildcard`,
 * `anything-but` (value, list, prefix, suffix, equals-ignore-case, wildcard), `numeric`, `exists`, `cidr`
 * (IPv4/IPv6), empty string, null and `$or`. Known difference: events are parsed JSON, so `300` and `300.0`
 * compare equal, where EventBridge compares number literals by their text.
 *
 * @throws InvalidEventPatternError if the pattern is malformed (checked once per pattern object).
 * @example matchesPattern({ source: [{ prefix: "aws." }] }, { source: "aws.ec2" }); // true
 */
export function matchesPattern(pattern: ContentFilterPattern | object, event: object): boolean {
  return compiledPattern(pattern)(event);
}
