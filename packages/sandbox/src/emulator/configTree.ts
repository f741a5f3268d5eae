/**
 * The emulated cluster's config as plain JSON-shaped data. Text is read with core's safe HOCON reader and
 * converted once; the emulator keeps plain data because `GET /configs` returns it as JSON as is, the handlers
 * read single fields, and `PUT /configs` merges trees. Printing back to HOCON text is emulator-only.
 */
import { type HoconValue, parseHocon } from "@emqx-reconciler/core";

/** A config value: a scalar, an array or a nested tree. */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | ConfigTree;
/** A config object; keys are plain path segments. */
export interface ConfigTree {
  [key: string]: ConfigValue;
}

/** True for a nested tree (not an array or scalar). */
export function isConfigTree(value: ConfigValue | undefined): value is ConfigTree {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads HOCON text into a tree with core's reader (substitutions resolved within the text, `include` refused).
 * Unquoted `true`/`false`, `null` and numbers become JSON booleans, null and numbers; everything else a string.
 * @throws {HoconError} naming `source`, line and column.
 */
export function parseConfigText(text: string, source: string): ConfigTree {
  return toConfigValue(parseHocon(text, { source })) as ConfigTree;
}

function toConfigValue(value: HoconValue): ConfigValue {
  switch (value.kind) {
    case "object":
      return Object.fromEntries([...value.fields].map(([key, field]) => [key, toConfigValue(field)]));
    case "array":
      return value.items.map(toConfigValue);
    case "number":
      return Number(value.text);
    case "boolean":
      return value.text === "true";
    case "null":
      return null;
    default:
      return value.text;
  }
}

/** Deep-merges `over` onto `base` (trees merge, everything else is replaced); returns a new tree. */
export function mergeTrees(base: ConfigTree, over: ConfigTree): ConfigTree {
  const out = new Map(Object.entries(base));
  for (const [key, value] of Object.entries(over)) {
    const prev = out.get(key);
    out.set(key, isConfigTree(prev) && isConfigTree(value) ? mergeTrees(prev, value) : value);
  }
  return Object.fromEntries(out);
}

/** Prints a tree the way EMQX's `hocon_pp` lays it out: nested blocks, two-space indent, `key = value`. */
export function printHocon(tree: ConfigTree, indent = ""): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(tree)) {
    const k = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
    if (isConfigTree(value)) lines.push(`${indent}${k} {`, printHocon(value, `${indent}  `), `${indent}}`);
    else lines.push(`${indent}${k} = ${printValue(value, indent)}`);
  }
  return lines.filter((l) => l !== "").join("\n");
}

function printValue(value: ConfigValue, indent: string): string {
  if (Array.isArray(value)) return `[${value.map((v) => printValue(v, indent)).join(", ")}]`;
  if (isConfigTree(value)) return `{\n${printHocon(value, `${indent}  `)}\n${indent}}`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
