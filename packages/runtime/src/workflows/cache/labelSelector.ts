/**
 * Equality-based label selectors (`a=b,c!=d,e,!f`), the only form the reconciler sends: enough to answer a list
 * from the read cache exactly as the apiserver would, and to tell whether a cached scope holds every object a
 * selector can match.
 */

/** One term of a selector. */
export interface Requirement {
  key: string;
  op: "=" | "!=" | "exists" | "!exists";
  value?: string;
}

/**
 * Parses `a=b,c==d,e!=f,g,!h`; `undefined` for set-based terms (`in`, `notin`), which the cache does not
 * answer (the caller then reads from the apiserver).
 */
export function parseSelector(selector: string | undefined): Requirement[] | undefined {
  const terms = (selector ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  const out: Requirement[] = [];
  for (const term of terms) {
    if (/\s(in|notin)\s|\(/.test(term)) return undefined;
    const ne = term.indexOf("!=");
    const eq = term.indexOf("=");
    if (ne > 0) out.push({ key: term.slice(0, ne), op: "!=", value: term.slice(ne + 2) });
    else if (eq > 0) out.push({ key: term.slice(0, eq), op: "=", value: term.slice(eq).replace(/^==?/, "") });
    else if (term.startsWith("!")) out.push({ key: term.slice(1), op: "!exists" });
    else out.push({ key: term, op: "exists" });
  }
  return out;
}

/** True when `labels` satisfy every requirement. */
export function matchesSelector(
  labels: Record<string, string> | undefined,
  requirements: readonly Requirement[],
): boolean {
  return requirements.every((r) => {
    const value = labels?.[r.key];
    switch (r.op) {
      case "=":
        return value === r.value;
      case "!=":
        return value !== r.value;
      case "exists":
        return value !== undefined;
      default:
        return value === undefined;
    }
  });
}

/**
 * True when every object matching `narrow` also matches `wide`, judged term by term: each term of `wide` must be
 * implied by a term of `narrow` (`k=v` implies `k` and `k=v`; `k` implies `k`).
 */
export function selectorImplies(narrow: readonly Requirement[], wide: readonly Requirement[]): boolean {
  return wide.every((w) =>
    narrow.some((n) => {
      if (n.key !== w.key) return false;
      if (w.op === "exists") return n.op === "=" || n.op === "exists";
      return n.op === w.op && n.value === w.value;
    }),
  );
}
