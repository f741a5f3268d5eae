/**
 * A copy of `value` without `undefined` members and without empty arrays, so a built object holds only the fields
 * we set on purpose (server-side apply takes ownership of every field sent).
 */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined || (Array.isArray(member) && member.length === 0)) continue;
    out[key] = member;
  }
  return out as T;
}

/**
 * Whether a value holds anything besides empty objects and arrays — Go's `reflect.Value.IsZero` on the operator's
 * struct. The operator's own write-back stores `volumeClaimTemplates: {resources: {}}` in CRs, which must still
 * count as "no PVC template".
 */
export function hasContent(value: unknown): boolean {
  if (value === undefined || value === null || value === "" || value === false || value === 0) return false;
  if (Array.isArray(value)) return value.some(hasContent);
  if (typeof value === "object") return Object.values(value).some(hasContent);
  return true;
}
