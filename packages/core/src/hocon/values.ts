/**
 * Resolved HOCON values: plain data with no prototype tricks.
 *
 * Objects are `Map`s so that keys such as `__proto__` or `constructor` from untrusted input are just keys.
 * Scalars keep their text as written (after unquoting), because EMQX and the Go operator compare text: a bind of
 * `1883` and `"1883"` mean the same port, and `enable = false` is tested as the string "false".
 */
export type HoconValue = HoconObject | HoconArray | HoconScalar;

/** A HOCON object; later keys have already been merged over earlier ones. */
export interface HoconObject {
  readonly kind: "object";
  readonly fields: ReadonlyMap<string, HoconValue>;
}

/** A HOCON array. */
export interface HoconArray {
  readonly kind: "array";
  readonly items: readonly HoconValue[];
}

/**
 * A HOCON scalar. `kind` is the lexical type: only a lone unquoted `true`/`false`, `null` or number gets a
 * non-string kind; `1 MB`, `15s` and `on` are strings, as HOCON says. `quoted` is true when any part was quoted.
 */
export interface HoconScalar {
  readonly kind: "string" | "number" | "boolean" | "null";
  readonly text: string;
  readonly quoted: boolean;
}

/** True for a HOCON object value. */
export function isHoconObject(value: HoconValue | undefined): value is HoconObject {
  return value?.kind === "object";
}

/**
 * The value at a dotted path such as `"dashboard.listeners.http.bind"`, or undefined when any step is missing
 * or not an object. Pass an array of segments for keys that themselves contain dots.
 *
 * @example getPath(conf, "node.cookie")
 */
export function getPath(obj: HoconObject, path: string | readonly string[]): HoconValue | undefined {
  const segments = typeof path === "string" ? path.split(".") : path;
  let current: HoconValue | undefined = obj;
  for (const segment of segments) {
    if (current?.kind !== "object") return undefined;
    current = current.fields.get(segment);
  }
  return current;
}

/**
 * The text of a scalar (`1883` → "1883", `"a b"` → "a b", `null` → "null"); undefined for objects, arrays and
 * absent values, which have no single string form.
 */
export function asString(value: HoconValue | undefined): string | undefined {
  if (value === undefined || value.kind === "object" || value.kind === "array") return undefined;
  return value.text;
}

/**
 * Whether an `enable`/`enabled` value switches something off, the way the Go operator reads it (its HOCON
 * library turns `false`, `off` and `no` into the string "false"). A quoted `"false"` counts too: EMQX reads
 * it as false, and the config EMQX itself prints always writes booleans unquoted, so the two readings agree.
 */
export function isFalse(value: HoconValue | undefined): boolean {
  const text = asString(value);
  if (text === undefined) return false;
  if (value?.kind === "string" && value.quoted) return text === "false";
  return text === "false" || text === "off" || text === "no";
}

/**
 * A config given either parsed or as HOCON text. Text is parsed with {@link parseHocon}'s defaults, so helpers
 * that take it throw {@link HoconError} on invalid text.
 */
export type ConfigInput = HoconObject | string;
