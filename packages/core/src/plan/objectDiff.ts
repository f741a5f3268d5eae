/**
 * Field-level difference of two Kubernetes objects (the live one and what a write would store), as the paths of
 * the fields that differ: what `plan --live` prints and what an audit record names. Bookkeeping the apiserver
 * changes on every write (`resourceVersion`, `managedFields`, `generation`, timestamps) and `status` are left out.
 */

/** One field that differs; `before` absent means added, `after` absent means removed. */
export interface FieldChange {
  /** `spec.template.spec.containers[emqx].image`: list entries with a distinct `name` (else `type`, as
   * conditions) are named by it, others indexed. */
  path: string;
  before?: unknown;
  after?: unknown;
}

/** Paths never compared: they change with every write, or belong to someone else. */
export const IGNORED_PATHS: readonly string[] = [
  "metadata.resourceVersion",
  "metadata.managedFields",
  "metadata.generation",
  "metadata.creationTimestamp",
  "metadata.uid",
  "metadata.selfLink",
  "status",
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keys that name a list entry: containers, ports, env by `name`; conditions by `type`. */
const ENTRY_KEYS = ["name", "type"] as const;

function keyedBy(list: readonly unknown[], key: string): Map<string, unknown> | undefined {
  const byKey = new Map<string, unknown>();
  for (const item of list) {
    const value = isObject(item) ? item[key] : undefined;
    if (typeof value !== "string" || byKey.has(value)) return undefined;
    byKey.set(value, item);
  }
  return byKey;
}

function keyed(before: readonly unknown[], after: readonly unknown[]) {
  for (const key of ENTRY_KEYS) {
    const left = keyedBy(before, key);
    const right = keyedBy(after, key);
    if (left && right) return { left, right };
  }
  return undefined;
}

function change(path: string, before: unknown, after: unknown): FieldChange {
  return {
    path,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
  };
}

function walk(path: string, before: unknown, after: unknown, into: FieldChange[]): void {
  if (IGNORED_PATHS.includes(path)) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(path ? `${path}.${key}` : key, before[key], after[key], into);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const byKey = keyed(before, after);
    if (byKey) {
      const { left, right } = byKey;
      for (const key of [...new Set([...left.keys(), ...right.keys()])])
        walk(`${path}[${key}]`, left.get(key), right.get(key), into);
      return;
    }
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++) walk(`${path}[${i}]`, before[i], after[i], into);
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) into.push(change(path, before, after));
}

/**
 * The fields that differ between `before` and `after`, in a stable order (keys sorted, list entries by name or
 * index). A nested object added or removed whole is one change at its own path.
 *
 * @example diffObjects({ spec: { replicas: 2 } }, { spec: { replicas: 3 } }) // [{ path: "spec.replicas", before: 2, after: 3 }]
 */
export function diffObjects(before: unknown, after: unknown): FieldChange[] {
  const into: FieldChange[] = [];
  walk("", before, after, into);
  return into;
}

/** `live` cut to the shape of `desired`: the keys and list entries `desired` names, nothing else. */
function project(desired: unknown, live: unknown): unknown {
  if (isObject(desired)) {
    if (!isObject(live)) return live;
    return Object.fromEntries(Object.keys(desired).map((k) => [k, project(desired[k], live[k])]));
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    const byKey = keyed(desired, live);
    if (byKey)
      return desired.map((d) =>
        project(
          d,
          byKey.right.get((d as Record<string, string>).name ?? (d as Record<string, string>).type ?? ""),
        ),
      );
    return desired.map((d, i) => project(d, live[i]));
  }
  return live;
}

/**
 * Paths of the fields a server-side apply of `desired` sets to a new value on `live`: the fields `desired` sends
 * that differ from the live ones (a field only the apiserver or another writer set is not our change).
 * `apiVersion` and `kind` are not compared.
 *
 * @example changedPaths({ spec: { replicas: 3 } }, { spec: { replicas: 2, paused: false } }) // ["spec.replicas"]
 */
export function changedPaths(desired: unknown, live: unknown): string[] {
  if (live === undefined) return [];
  // Objects from a list carry no apiVersion and kind: the kind was matched already.
  const { apiVersion: _v, kind: _k, ...sent } = isObject(desired) ? desired : { apiVersion: 0, kind: 0 };
  return diffObjects(project(sent, live), sent).map((c) => c.path);
}
