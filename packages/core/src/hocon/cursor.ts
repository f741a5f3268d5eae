import { HoconError, type Position } from "./errors.ts";

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;

/**
 * Characters HOCON forbids in unquoted text. `@` is left out on purpose: EMQX's own scanner accepts it in
 * unquoted strings (`node.name = emqx@127.0.0.1`), so EMQX configs use it.
 */
const FORBIDDEN = new Set([...'$"{}[]:=,+#`^?!*&\\'].map((c) => c.charCodeAt(0)));

/** Non-newline whitespace: space, tab, CR, VT, FF, NBSP, BOM and the Unicode space separators. */
export function isSpace(code: number): boolean {
  return (
    code === 0x20 ||
    code === 0x09 ||
    code === 0x0d ||
    code === 0x0b ||
    code === 0x0c ||
    code === 0xa0 ||
    code === 0xfeff ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** A position in the text with line tracking, and the lexical pieces of HOCON. */
export class Cursor {
  readonly text: string;
  readonly source: string;
  pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(text: string, source: string) {
    this.text = text;
    this.source = source;
  }

  /** The char code at `pos + offset`, or -1 past the end. */
  peek(offset = 0): number {
    const i = this.pos + offset;
    return i < this.text.length ? this.text.charCodeAt(i) : -1;
  }

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  mark(): Position {
    return { line: this.line, column: this.pos - this.lineStart + 1 };
  }

  /** Throws a {@link HoconError} at `at` (default: here). */
  fail(reason: string, at: Position = this.mark()): never {
    throw new HoconError(this.source, at.line, at.column, reason);
  }

  /** Moves past one character that is not a newline. */
  skip(count = 1): void {
    this.pos += count;
  }

  /** At `#` or `//`. */
  atComment(): boolean {
    const c = this.peek();
    return c === 0x23 || (c === SLASH && this.peek(1) === SLASH);
  }

  /** Skips spaces and tabs (not newlines); returns what was skipped. */
  readSpaces(): string {
    const start = this.pos;
    while (isSpace(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Skips to the end of the line, leaving the newline. */
  skipComment(): void {
    const end = this.text.indexOf("\n", this.pos);
    this.pos = end === -1 ? this.text.length : end;
  }

  /** Skips whitespace, newlines and comments. */
  skipBlank(): void {
    for (;;) {
      const c = this.peek();
      if (c === NEWLINE) this.newline();
      else if (isSpace(c)) this.pos++;
      else if (this.atComment()) this.skipComment();
      else return;
    }
  }

  /** Consumes a newline when at one; returns whether it did. */
  newline(): boolean {
    if (this.peek() !== NEWLINE) return false;
    this.pos++;
    this.line++;
    this.lineStart = this.pos;
    return true;
  }

  /** True when an unquoted character starts here (not forbidden, not whitespace, not a comment). */
  atUnquoted(): boolean {
    const c = this.peek();
    return (
      c !== -1 &&
      c !== NEWLINE &&
      !FORBIDDEN.has(c) &&
      !isSpace(c) &&
      !(c === SLASH && this.peek(1) === SLASH)
    );
  }

  /** Reads a run of unquoted characters. */
  readUnquoted(): string {
    const start = this.pos;
    while (this.atUnquoted()) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** At `"""`. */
  atTripleQuote(): boolean {
    return this.peek() === QUOTE && this.peek(1) === QUOTE && this.peek(2) === QUOTE;
  }

  /** Reads a `"..."` string with JSON escapes, returning its decoded text. */
  readQuoted(): string {
    const open = this.mark();
    this.pos++;
    let out = "";
    let chunk = this.pos;
    for (;;) {
      const c = this.peek();
      if (c === -1 || c === NEWLINE) this.fail("unterminated quoted string", open);
      if (c === QUOTE) break;
      if (c !== BACKSLASH) {
        this.pos++;
        continue;
      }
      out += this.text.slice(chunk, this.pos);
      out += this.readEscape();
      chunk = this.pos;
    }
    out += this.text.slice(chunk, this.pos);
    this.pos++;
    return out;
  }

  private readEscape(): string {
    const at = this.mark();
    const letter = this.text[this.pos + 1] ?? "";
    if (letter === "u") {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail("invalid \\u escape in quoted string", at);
      this.pos += 6;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    const decoded = ESCAPES[letter];
    if (decoded === undefined) this.fail("invalid escape sequence in quoted string", at);
    this.pos += 2;
    return decoded;
  }

  /**
   * Reads a `"""..."""` string: raw text, no escapes; extra quotes before the closing three belong to it. EMQX's
   * indented form `"""~ ... ~"""` is dedented the way EMQX reads it (see {@link dedentTilde}).
   */
  readTriple(): string {
    const open = this.mark();
    const start = this.pos + 3;
    let end = this.text.indexOf('"""', start);
    if (end === -1) this.fail('unterminated """ string', open);
    while (this.text.charCodeAt(end + 3) === QUOTE) end++;
    for (let i = this.text.indexOf("\n", start); i !== -1 && i < end; i = this.text.indexOf("\n", i + 1)) {
      this.line++;
      this.lineStart = i + 1;
    }
    this.pos = end + 3;
    const raw = this.text.slice(start, end);
    return raw.startsWith("~") ? dedentTilde(raw) : raw;
  }
}

/**
 * EMQX's indented multi-line string (hocon 0.42+): the rest of the `"""~` line is dropped, a closing `~` and the
 * blank indentation before it are dropped, and the indentation common to all non-blank lines is removed.
 */
export function dedentTilde(raw: string): string {
  const firstBreak = raw.indexOf("\n");
  let body = firstBreak === -1 ? raw.slice(1) : raw.slice(firstBreak + 1);
  if (body.endsWith("~")) body = body.slice(0, -1).replace(/\n[ \t]*$/, "");
  const lines = body.split("\n");
  const indents = lines
    .filter((line) => line.trim() !== "")
    .map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(Math.min(common, /^[ \t]*/.exec(line)?.[0].length ?? 0))).join("\n");
}
