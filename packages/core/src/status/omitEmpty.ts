/**
 * Go's `omitempty`, for the status structs we write in the operator's JSON shape.
 */

/**
 * `fields` without the entries Go's `encoding/json` leaves out of an `omitempty` scalar field (undefined, 0, "",
 * false). `pointers` name the fields that are pointers in Go: those are written whenever set, even to 0.
 *
 * Our status then reads the same as the operator's under `kubectl get emqx -o yaml`, and a status the operator
 * wrote compares equal to ours when nothing changed.
 *
 * @example omitEmpty({ replicas: 2, readyReplicas: 0, collisionCount: 0 }, ["collisionCount"])
 * // { replicas: 2, collisionCount: 0 }
 */
export function omitEmpty<T extends object>(fields: T, pointers: readonly (keyof T)[] = []): T {
  const kept = Object.entries(fields).filter(([key, value]) =>
    pointers.includes(key as keyof T)
      ? value !== undefined
      : value !== undefined && value !== 0 && value !== "" && value !== false,
  );
  return Object.fromEntries(kept) as T;
}
