/**
 * JSON text with object keys sorted at every level and `undefined` / `null` members left out, so two values that
 * are equal as data always print the same, whatever the insertion order of their keys.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => sortKeys(item) ?? null);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined && member !== null) out[key] = sortKeys(member);
  }
  return out;
}
