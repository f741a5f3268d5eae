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

/** `PersistentVolumeClaimSpec` fields that are pointers, slices or maps in Go: any value present makes them non-zero. */
const CLAIM_REFERENCE_FIELDS = [
  "accessModes",
  "selector",
  "storageClassName",
  "volumeMode",
  "dataSource",
  "dataSourceRef",
  "volumeAttributesClassName",
] as const;

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * Whether the CR asks for a core-data claim: the operator's `!reflect.ValueOf(volumeClaimTemplates).IsZero()`.
 * In Go a pointer, slice or map field is non-zero as soon as it is present, even as `""`, `[]` or
 * `{}`; `volumeName` is a plain string (non-zero unless `""`); `resources` is a struct, non-zero when one of its
 * maps or its claims list is present. So the operator's own write-back `volumeClaimTemplates: {resources: {}}`
 * still means "no claim", while `{storageClassName: ""}` (static provisioning) means one.
 */
export function wantsClaim(spec: object | undefined): boolean {
  if (!spec) return false;
  const fields = spec as Record<string, unknown>;
  if (CLAIM_REFERENCE_FIELDS.some((key) => present(fields[key]))) return true;
  if (typeof fields.volumeName === "string" && fields.volumeName !== "") return true;
  const resources = fields.resources;
  if (typeof resources !== "object" || resources === null) return false;
  const parts = resources as Record<string, unknown>;
  return present(parts.limits) || present(parts.requests) || present(parts.claims);
}
