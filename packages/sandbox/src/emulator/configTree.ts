/**
 * The HOCON subset EMQX configs use, enough to keep an emulated cluster's config as a tree: objects (braced,
 * `key { }`, dotted keys), `=`/`:` separators, quoted, triple-quoted and unquoted strings, numbers, booleans,
 * null, arrays, `#` and `//` comments; duplicate objects merge, later scalars win. Not supported: `include`
 * and substitution resolution (`${X}` stays a literal string).
 */
import { EmulatorError } from "./errors.ts";

/** A HOCON value after parsing. */
export type HoconValue = string | number | boolean | null | HoconValue[] | HoconObject;
/** A HOCON object; keys are plain path segments. */
export interface HoconObject {
  [key: string]: HoconValue;
}

/** A HOCON text that does not parse; `line` is 1-based. */
export class HoconParseError extends EmulatorError {
  readonly line: number;
  constructor(reason: string, line: number) {
    super(`HOCON parse error at line ${line}: ${reason}`);
    this.name = "HoconParseError";
    this.line = line;
  }
}

/** True for a HOCON object (not an array or scalar). */
export function isHoconObject(v: HoconValue | undefined): v is HoconObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses a HOCON document into an object tree. Throws {@link HoconParseError} naming the line. */
export function parseHocon(text: string): HoconObject {
  const p = new Parser(text);
  p.skipBlank();
  const root = p.peek() === "{" ? p.object() : p.members(undefined);
  p.skipBlank();
  if (!p.atEnd()) p.fail(`unexpected '${p.peek()}'`);
  return root;
}

/** Deep-merges `over` onto `base` (objects merge, everything else is replaced); returns a new tree. */
export function mergeHocon(base: HoconObject, over: HoconObject): HoconObject {
  const out: HoconObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isHoconObject(prev) && isHoconObject(value) ? mergeHocon(prev, value) : value;
  }
  return out;
}

const UNQUOTED_STOP = new Set(["\n", ",", "}", "]", "#", "{", "["]);
const KEY_STOP = /[\s.=:{}[\],#"]/;

class Parser {
  #i = 0;
  readonly #s: string;
  constructor(text: string) {
    this.#s = text;
  }
  atEnd(): boolean {
    return this.#i >= this.#s.length;
  }
  peek(offset = 0): string {
    return this.#s[this.#i + offset] ?? "";
  }
  fail(reason: string): never {
    throw new HoconParseError(reason, this.#s.slice(0, this.#i).split("\n").length);
  }
  /** Skips spaces and comments, and newlines too when `newlines`. */
  skipBlank(newlines = true): void {
    while (!this.atEnd()) {
      const c = this.peek();
      if (c === "#" || (c === "/" && this.peek(1) === "/")) {
        while (!this.atEnd() && this.peek() !== "\n") this.#i++;
      } else if (c === " " || c === "\t" || c === "\r" || c === "\uFEFF" || (newlines && c === "\n")) {
        this.#i++;
      } else return;
    }
  }
  object(): HoconObject {
    this.#i++; // {
    const obj = this.members("}");
    if (this.peek() !== "}") this.fail("missing '}'");
    this.#i++;
    return obj;
  }
  members(end: string | undefined): HoconObject {
    let obj: HoconObject = {};
    for (;;) {
      this.skipSeparators();
      if (this.atEnd() || this.peek() === end) return obj;
      const path = this.key();
      this.skipBlank(false);
      let value: HoconValue;
      if (this.peek() === "{") value = this.object();
      else if (this.peek() === "=" || this.peek() === ":") {
        this.#i++;
        this.skipBlank(false);
        value = this.value();
      } else this.fail(`expected '=', ':' or '{' after key '${path.join(".")}'`);
      obj = mergeHocon(obj, nest(path, value));
      this.skipBlank(false);
      const c = this.peek();
      if (!(this.atEnd() || c === "\n" || c === "," || c === end)) this.fail(`unexpected '${c}' after value`);
    }
  }
  skipSeparators(): void {
    for (;;) {
      this.skipBlank();
      if (this.peek() !== ",") return;
      this.#i++;
    }
  }
  key(): string[] {
    const path: string[] = [];
    for (;;) {
      if (this.peek() === '"') path.push(this.quoted());
      else {
        const start = this.#i;
        while (!this.atEnd() && !KEY_STOP.test(this.peek())) this.#i++;
        if (this.#i === start) this.fail(`expected a key, found '${this.peek() || "end of input"}'`);
        path.push(this.#s.slice(start, this.#i));
      }
      if (path.length === 1 && path[0] === "include") this.fail("include is not supported");
      if (this.peek() !== ".") return path;
      this.#i++;
    }
  }
  value(): HoconValue {
    const c = this.peek();
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"' && this.peek(1) === '"' && this.peek(2) === '"') return this.tripleQuoted();
    if (c === '"') return this.quoted();
    return this.unquoted();
  }
  array(): HoconValue[] {
    this.#i++; // [
    const items: HoconValue[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.atEnd()) this.fail("missing ']'");
      if (this.peek() === "]") {
        this.#i++;
        return items;
      }
      items.push(this.value());
    }
  }
  quoted(): string {
    const start = this.#i;
    this.#i++;
    while (!this.atEnd() && this.peek() !== '"') {
      if (this.peek() === "\n") this.fail("unterminated string");
      this.#i += this.peek() === "\\" ? 2 : 1;
    }
    if (this.atEnd()) this.fail("unterminated string");
    this.#i++;
    try {
      return JSON.parse(this.#s.slice(start, this.#i)) as string;
    } catch {
      return this.fail("bad escape in string");
    }
  }
  tripleQuoted(): string {
    const end = this.#s.indexOf('"""', this.#i + 3);
    if (end < 0) this.fail("unterminated triple-quoted string");
    const text = this.#s.slice(this.#i + 3, end);
    this.#i = end + 3;
    return text;
  }
  unquoted(): HoconValue {
    const start = this.#i;
    while (
      !this.atEnd() &&
      !UNQUOTED_STOP.has(this.peek()) &&
      !(this.peek() === "/" && this.peek(1) === "/")
    ) {
      if (this.peek() === "$" && this.peek(1) === "{") {
        const close = this.#s.indexOf("}", this.#i);
        if (close < 0) this.fail("unterminated substitution");
        this.#i = close;
      }
      this.#i++;
    }
    const raw = this.#s.slice(start, this.#i).trim();
    if (raw === "") this.fail("missing value");
    if (raw === "true" || raw === "false") return raw === "true";
    if (raw === "null") return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
    return raw;
  }
}

function nest(path: readonly string[], value: HoconValue): HoconObject {
  let out: HoconValue = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i] as string]: out };
  return out as HoconObject;
}

/** Prints a tree the way EMQX's `hocon_pp` lays it out: nested blocks, two-space indent, `key = value`. */
export function printHocon(obj: HoconObject, indent = ""): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    const k = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
    if (isHoconObject(value)) lines.push(`${indent}${k} {`, printHocon(value, `${indent}  `), `${indent}}`);
    else lines.push(`${indent}${k} = ${printValue(value, indent)}`);
  }
  return lines.filter((l) => l !== "").join("\n");
}

function printValue(value: HoconValue, indent: string): string {
  if (Array.isArray(value)) return `[${value.map((v) => printValue(v, indent)).join(", ")}]`;
  if (isHoconObject(value)) return `{\n${printHocon(value, `${indent}  `)}\n${indent}}`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
