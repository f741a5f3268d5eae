import { type Cursor, isSpace } from "./cursor.ts";

const QUOTE = 0x22;

/** A key or substitution path: unquoted text split at dots, quoted parts kept whole, inner spaces kept. */
export function readKey(c: Cursor, inSubstitution: boolean): string[] {
  const at = c.mark();
  const segments: string[] = [];
  let segment = "";
  let hasText = false;
  let seen = false;
  const endSegment = (): void => {
    if (!hasText) c.fail("a key has an empty segment ('.' at its start or end, or '..')", at);
    segments.push(segment);
    segment = "";
    hasText = false;
  };
  for (;;) {
    if (c.peek() === QUOTE) {
      if (c.atTripleQuote()) c.fail('a key cannot be a """ string');
      segment += c.readQuoted();
      hasText = seen = true;
    } else if (c.atUnquoted()) {
      const text = c.readUnquoted();
      seen = true;
      let from = 0;
      for (let dot = text.indexOf("."); dot !== -1; dot = text.indexOf(".", from)) {
        segment += text.slice(from, dot);
        hasText ||= dot > from;
        endSegment();
        from = dot + 1;
      }
      segment += text.slice(from);
      hasText ||= from < text.length;
    } else if (seen && isSpace(c.peek())) {
      const save = c.pos;
      const ws = c.readSpaces();
      if (c.peek() !== QUOTE && !c.atUnquoted()) {
        c.pos = save;
        break;
      }
      segment += ws;
    } else break;
  }
  if (!seen) c.fail(inSubstitution ? "expected a path inside the substitution" : "expected a key");
  endSegment();
  return segments;
}

/** `include` followed by a quoted name or `file(`/`url(`/`classpath(`/`required(`. */
export function atInclude(c: Cursor): boolean {
  const { text, pos } = c;
  if (!text.startsWith("include", pos)) return false;
  let i = pos + 7;
  const after = text.charCodeAt(i);
  if (!isSpace(after) && after !== QUOTE) return false;
  while (isSpace(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === QUOTE || /[A-Za-z]/.test(text[i] ?? "");
}

/**
 * A key for an error message. Keys name the place, not the value; the text is cut at the first whitespace so that
 * a value written without `=` (`password sekrit`, read as one key with a space) is never echoed.
 */
export function quoteKey(key: readonly string[]): string {
  const joined = key.join(".").split(/\s/, 1)[0] ?? "";
  return joined.length <= 80 ? JSON.stringify(joined) : "(a key longer than 80 characters)";
}
