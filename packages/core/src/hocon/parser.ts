import { Cursor } from "./cursor.ts";
import type { Position } from "./errors.ts";
import { atInclude, quoteKey, readKey } from "./keys.ts";
import type { HoconLimits, WorkBudget } from "./limits.ts";
import {
  type ArrNode,
  isScalar,
  type Node,
  newObj,
  type ObjNode,
  setField,
  snapshotAt,
  writableObjAt,
} from "./nodes.ts";
import type { HoconScalar } from "./values.ts";

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const DOLLAR = 0x24;
const PLUS = 0x2b;
const COMMA = 0x2c;
const COLON = 0x3a;
const EQUALS = 0x3d;
const QUESTION = 0x3f;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** Where a block of fields is written: under `box` at `rel`; `owner` is fixed inside standalone literals. */
interface Body {
  readonly box: ObjNode;
  readonly rel: string[];
  readonly owner: string[] | undefined;
  readonly depth: number;
}

/**
 * Recursive-descent HOCON parser producing the unresolved document of `nodes.ts`. Pure: it never looks at
 * anything but the text. `include` is rejected; substitutions are only recorded here and resolved later.
 */
export class Parser {
  private readonly cur: Cursor;
  private readonly limits: HoconLimits;
  private readonly budget: WorkBudget;
  private readonly tree = newObj();

  constructor(text: string, source: string, limits: HoconLimits, budget: WorkBudget) {
    this.cur = new Cursor(text, source);
    this.limits = limits;
    this.budget = budget;
  }

  /** Parses the whole text: fields, optionally wrapped in one pair of braces. */
  parseDocument(): ObjNode {
    const c = this.cur;
    c.skipBlank();
    if (c.peek() === LBRACKET) c.fail("the configuration must be an object, not an array");
    const body: Body = { box: this.tree, rel: [], depth: 0, owner: undefined };
    if (c.peek() !== LBRACE) {
      this.parseBody(body, undefined);
      return this.tree;
    }
    const open = c.mark();
    c.skip();
    this.parseBody(body, open);
    c.skipBlank();
    if (!c.atEnd) c.fail("unexpected text after the '}' that closes the root object");
    return this.tree;
  }

  /** Fields up to the `}` matching `open`, or to the end of the text when `open` is undefined. */
  private parseBody(body: Body, open: Position | undefined): void {
    const c = this.cur;
    for (;;) {
      c.skipBlank();
      const ch = c.peek();
      if (ch === -1) {
        if (open) c.fail(`missing '}' for the '{' at line ${open.line}, column ${open.column}`);
        return;
      }
      if (ch === RBRACE) {
        if (!open) c.fail("unexpected '}' with no object open");
        c.skip();
        return;
      }
      if (ch === COMMA) c.fail("unexpected ','");
      const key = this.parseField(body);
      c.readSpaces();
      if (c.atComment()) c.skipComment();
      const next = c.peek();
      if (next === COMMA) c.skip();
      else if (next !== NEWLINE && next !== RBRACE && next !== -1) {
        c.fail(`expected a newline or ',' after the value of key ${quoteKey(key)}`);
      }
    }
  }

  private parseField(body: Body): string[] {
    const c = this.cur;
    const start = c.mark();
    if (atInclude(c)) {
      c.fail(
        "include is not allowed: the configuration must be self-contained (no files, URLs or classpath)",
      );
    }
    const key = readKey(c, false);
    c.readSpaces();
    const ch = c.peek();
    const append = ch === PLUS && c.peek(1) === EQUALS;
    if (ch === EQUALS || ch === COLON) c.skip();
    else if (append) c.skip(2);
    else if (ch !== LBRACE) c.fail(`expected '=' or ':' after key ${quoteKey(key)}`);
    const depth = body.depth + key.length;
    if (depth > this.limits.maxDepth)
      c.fail(`objects nest deeper than ${this.limits.maxDepth} levels`, start);
    const rel = body.rel.concat(key);
    const owner = body.owner ?? rel;
    c.skipBlank();
    if (!append && c.peek() === LBRACE) {
      this.parseObjectValue({ box: body.box, rel, depth, owner: body.owner });
      return key;
    }
    let value = this.parseValue(owner, depth, key);
    if (append) {
      const { base, tail } = snapshotAt(body.box, rel);
      const prior: Node = { kind: "prior", base, tail, path: owner, optional: true, at: start };
      value = { kind: "concat", parts: [prior, { kind: "arr", items: [value] }], at: start };
    }
    let target = body.box;
    for (let i = 0; i < rel.length - 1; i++)
      target = writableObjAt(target, rel[i] as string, this.budget, start);
    setField(target, rel[rel.length - 1] as string, value, this.budget, start);
    return key;
  }

  /** `key { ... }` or `key = { ... }`: written straight into the document so repeated keys merge. */
  private parseObjectValue(body: Body): void {
    const c = this.cur;
    let target = body.box;
    for (const segment of body.rel) target = writableObjAt(target, segment, this.budget, c.mark());
    while (c.peek() === LBRACE) {
      const open = c.mark();
      c.skip();
      this.parseBody(body, open);
      c.readSpaces();
    }
  }

  /** One value: parts on one line, joined by whitespace (`1 MB`, `${a} "x"`, `${base} { more = 1 }`). */
  private parseValue(owner: string[], depth: number, key: string[] | undefined): Node {
    const c = this.cur;
    const at = c.mark();
    const parts: Node[] = [];
    for (;;) {
      const ws = c.readSpaces();
      const ch = c.peek();
      if (ch === -1 || ch === NEWLINE || ch === COMMA || ch === RBRACE || ch === RBRACKET || c.atComment())
        break;
      if (parts.length > 0 && ws !== "") parts.push({ kind: "ws", text: ws });
      parts.push(this.parsePart(owner, depth));
    }
    if (parts.length === 0) c.fail(key ? `expected a value for key ${quoteKey(key)}` : "expected a value");
    return combine(parts, at);
  }

  private parsePart(owner: string[], depth: number): Node {
    const c = this.cur;
    const ch = c.peek();
    if (ch === LBRACE) {
      const literal = newObj();
      const open = c.mark();
      c.skip();
      this.parseBody({ box: literal, rel: [], owner, depth }, open);
      return literal;
    }
    if (ch === LBRACKET) return this.parseArray(owner, depth + 1);
    if (ch === QUOTE)
      return { kind: "string", text: c.atTripleQuote() ? c.readTriple() : c.readQuoted(), quoted: true };
    if (ch === DOLLAR && c.peek(1) === LBRACE) return this.parseSubstitution(owner);
    if (c.atUnquoted()) return { kind: "string", text: c.readUnquoted(), quoted: false };
    return c.fail(
      `'${String.fromCharCode(ch)}' is not allowed in an unquoted value; put the value in double quotes`,
    );
  }

  private parseArray(owner: string[], depth: number): ArrNode {
    const c = this.cur;
    const open = c.mark();
    if (depth > this.limits.maxDepth) c.fail(`arrays nest deeper than ${this.limits.maxDepth} levels`);
    c.skip();
    const items: Node[] = [];
    for (;;) {
      c.skipBlank();
      const ch = c.peek();
      if (ch === RBRACKET) {
        c.skip();
        return { kind: "arr", items };
      }
      if (ch === -1) c.fail(`missing ']' for the '[' at line ${open.line}, column ${open.column}`);
      if (ch === COMMA) c.fail("unexpected ','");
      items.push(this.parseValue(owner, depth, undefined));
      c.readSpaces();
      if (c.atComment()) c.skipComment();
      const next = c.peek();
      if (next === COMMA) c.skip();
      else if (next !== NEWLINE && next !== RBRACKET && next !== -1)
        c.fail("expected ',' or ']' after an array element");
    }
  }

  /** `${path}` / `${?path}`; one that overlaps the field being defined binds to that field's earlier value. */
  private parseSubstitution(owner: string[]): Node {
    const c = this.cur;
    const at = c.mark();
    c.skip(2);
    const optional = c.peek() === QUESTION;
    if (optional) c.skip();
    c.readSpaces();
    const path = readKey(c, true);
    c.readSpaces();
    if (c.peek() !== RBRACE) c.fail("missing '}' to close the substitution", at);
    c.skip();
    const shorter = path.length >= owner.length ? owner : path;
    if (!shorter.every((segment, i) => segment === path[i] && segment === owner[i])) {
      return { kind: "subst", path, optional, at };
    }
    const { base, tail } = snapshotAt(this.tree, shorter);
    return { kind: "prior", base, tail: [...tail, ...path.slice(shorter.length)], path, optional, at };
  }
}

/** A value's parts as one node: a lone unquoted token is typed; simple parts join into one string. */
function combine(parts: Node[], at: Position): Node {
  const only = parts[0] as Node;
  if (parts.length === 1) return only.kind === "string" && !only.quoted ? classify(only.text) : only;
  if (!parts.every((part) => part.kind === "ws" || isScalar(part))) return { kind: "concat", parts, at };
  let text = "";
  let quoted = false;
  for (const part of parts as (HoconScalar | { kind: "ws"; text: string })[]) {
    text += part.text;
    quoted ||= part.kind === "string" && part.quoted;
  }
  return { kind: "string", text, quoted };
}

function classify(text: string): HoconScalar {
  if (text === "true" || text === "false") return { kind: "boolean", text, quoted: false };
  if (text === "null") return { kind: "null", text, quoted: false };
  if (NUMBER.test(text)) return { kind: "number", text, quoted: false };
  return { kind: "string", text, quoted: false };
}
