/**
 * EventBridge `wildcard` values: `*` matches zero or more characters, `\*` is a literal star, `\\` a literal
 * backslash; any other escape and two consecutive stars are refused (as EventBridge and event-ruler do).
 * Compiled once into literal segments matched with `indexOf`, so there is no regex and no backtracking blow-up.
 */
export function compileWildcard(pattern: string): (value: string) => boolean {
  const segments: string[] = [];
  let current = "";
  let previousWasStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "*") {
      if (previousWasStar) throw new Error(`"${pattern}" has consecutive wildcard characters`);
      segments.push(current);
      current = "";
      previousWasStar = true;
      continue;
    }
    previousWasStar = false;
    let literal = char ?? "";
    if (char === "\\") {
      literal = pattern[++i] ?? "";
      if (literal !== "*" && literal !== "\\") {
        throw new Error(`"${pattern}" escapes something other than "*" or "\\" at position ${i - 1}`);
      }
    }
    current += literal;
  }
  segments.push(current);
  return segmentMatcher(segments);
}

/** Matches a string made of `segments` joined by stars: the first is a prefix, the last a suffix. */
function segmentMatcher(segments: readonly string[]): (value: string) => boolean {
  const first = segments[0] ?? "";
  if (segments.length === 1) return (value) => value === first;
  const last = segments[segments.length - 1] ?? "";
  const middle = segments.slice(1, -1);
  const minLength = segments.reduce((sum, s) => sum + s.length, 0);
  return (value) => {
    if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    let from = first.length;
    const end = value.length - last.length;
    for (const segment of middle) {
      const at = value.indexOf(segment, from);
      if (at < 0 || at + segment.length > end) return false;
      from = at + segment.length;
    }
    return true;
  };
}
