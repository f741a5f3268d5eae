import type { EmqxStatus } from "@emqx-reconciler/api";

/**
 * Whether the planned status differs from the status as read, compared as JSON data (key order and absent vs
 * undefined members do not count). Compared with the raw status rather than its parsed form, so fields our schema
 * fills in (node `name` next to `node`, for clusters the operator wrote) are written once.
 */
export function statusDiffers(raw: unknown, planned: EmqxStatus): boolean {
  return !sameJsonData(raw ?? {}, planned ?? {});
}

/**
 * True when `a` and `b` are the same JSON data up to key order, walking both once without serializing: a member that
 * is `undefined` or `null` counts as absent, an `undefined` list element as `null`. Values that are not plain data
 * (a `Date`, a non-finite number) are compared by their JSON text.
 */
export function sameJsonData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJsonData(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (isPlain(a) && isPlain(b)) {
    let defined = 0;
    for (const key in a) {
      if (a[key] === undefined || a[key] === null) continue;
      defined++;
      if (!sameJsonData(a[key], b[key])) return false;
    }
    for (const key in b) if (b[key] !== undefined && b[key] !== null) defined--;
    return defined === 0;
  }
  const scalar = (v: unknown) =>
    v === null ||
    typeof v === "string" ||
    typeof v === "boolean" ||
    (typeof v === "number" && Number.isFinite(v));
  if (scalar(a) && scalar(b)) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
