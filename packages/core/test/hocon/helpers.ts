import type { HoconValue } from "../../src/hocon/index.ts";

/** A resolved HOCON value as plain JSON (scalars as their text), for readable assertions. */
export function plain(value: HoconValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.kind === "object") return Object.fromEntries([...value.fields].map(([k, v]) => [k, plain(v)]));
  if (value.kind === "array") return value.items.map(plain);
  return value.text;
}
