/** Shapes of JSON values (keys and JSON types, recursively) for comparing emulated responses with fixtures. */

/** A canonical description of a JSON value's structure; arrays hold the set of their element shapes. */
export type Shape = string | { readonly [key: string]: Shape } | { readonly "[]": readonly string[] };

/** Derives the shape of a JSON value. Arrays become the sorted set of distinct element shapes. */
export function shapeOf(value: unknown): Shape {
  if (value === null) return "null";
  if (Array.isArray(value))
    return { "[]": [...new Set(value.map((v) => JSON.stringify(shapeOf(v))))].sort() };
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(entries.map(([k, v]) => [k, shapeOf(v)]));
  }
  return typeof value;
}
