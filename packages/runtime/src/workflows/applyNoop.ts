/**
 * Deciding, without a request, that a server-side apply would change nothing, so a converged CR costs no writes.
 *
 * An apply is a no-op when (1) every field we send already has that value live (a structural "desired ⊆ live"
 * check: the apiserver adds defaults, never removes what we sent), and (2) we send every field our field manager
 * owns: a field we applied before and no longer send would be removed by the apply, which (1) cannot see. (2) is
 * read from the live object's `managedFields` entry of our manager, so an object we never applied (created by the
 * operator, or by hand) is always applied once, which also takes ownership of its fields.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { FIELD_MANAGER } from "@emqx-reconciler/api";
import { quantitiesEqual } from "@emqx-reconciler/core";

/** Keys whose values are resource quantities: the apiserver rewrites them in canonical form (`"0.5"` → `"500m"`). */
const QUANTITY_KEYS = new Set(["requests", "limits", "sizeLimit", "capacity"]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function scalarEqual(want: Json, have: unknown, quantity: boolean): boolean {
  if (want === have) return true;
  // Go drops `null` and an empty plain string (`omitempty`) when it stores the object: `env[].value: ""` reads back
  // as absent, and applying it again changes nothing.
  if (want === null || want === "") return have === undefined;
  if (!quantity || (typeof want !== "string" && typeof want !== "number")) return false;
  if (typeof have !== "string" && typeof have !== "number") return false;
  try {
    return quantitiesEqual(want, have);
  } catch {
    return false;
  }
}

/** True when every value in `want` is present and equal in `have`; lists must match element by element. */
export function isSubset(want: Json | undefined, have: unknown, quantity = false): boolean {
  // A field set to `undefined` is not sent (JSON drops it).
  if (want === undefined) return true;
  if (Array.isArray(want)) {
    // An empty list is dropped when stored (`omitempty`), like an empty string.
    if (want.length === 0 && have === undefined) return true;
    if (!Array.isArray(have) || have.length !== want.length) return false;
    for (let i = 0; i < want.length; i++) if (!isSubset(want[i], have[i], quantity)) return false;
    return true;
  }
  if (isObject(want)) {
    if (!isObject(have)) return false;
    for (const key in want) {
      if (!isSubset(want[key], have[key], quantity || QUANTITY_KEYS.has(key))) return false;
    }
    return true;
  }
  return scalarEqual(want, have, quantity);
}

/**
 * True when `sent` sets every field a `fieldsV1` set names. List members (`k:`, `v:`, `i:`) are not matched one
 * by one: a field under a list counts as sent when any element of that list sets it, so `sent` walks as a set of
 * nodes (the object, then every element of the lists at a level) beside the `fieldsV1` tree, allocating no paths.
 */
export function sendsOwnedFields(fieldsV1: unknown, sent: readonly unknown[]): boolean {
  if (!isObject(fieldsV1)) return true;
  let elements: unknown[] | undefined;
  for (const key in fieldsV1) {
    if (key === ".") continue;
    const sub = fieldsV1[key];
    if (key.startsWith("f:")) {
      const name = key.slice(2);
      // Most owned fields are leaves: one element that sets it is enough, nothing to walk below.
      if (isLeaf(sub)) {
        if (!sent.some((node) => isObject(node) && node[name] !== undefined)) return false;
        continue;
      }
      const next: unknown[] = [];
      for (const node of sent) if (isObject(node) && node[name] !== undefined) next.push(node[name]);
      if (next.length === 0 || !sendsOwnedFields(sub, next)) return false;
    } else {
      elements ??= sent.flatMap((node) => (Array.isArray(node) ? node : []));
      if (elements.length === 0 || !sendsOwnedFields(sub, elements)) return false;
    }
  }
  return true;
}

/** A `fieldsV1` node that names no field below it (`{}`, or only `"."`). */
function isLeaf(node: unknown): boolean {
  if (!isObject(node)) return true;
  for (const key in node) if (key !== ".") return false;
  return true;
}

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: unknown;
}

/** True when applying `desired` (with our field manager) onto `live` could not change `live`. */
export function isApplyNoop(desired: object, live: KubeObject | undefined): boolean {
  if (!live) return false;
  const held = recentAnswers.get(desired);
  if (held?.live === live) return held.noop;
  const noop = decideNoop(desired, live);
  recentAnswers.set(desired, { live, noop });
  return noop;
}

/**
 * A pass asks twice about each object it applies (before the write, then for the audit of what it changed), with
 * the same desired and live objects, neither of which anything modifies: the answer is kept while `desired` lives.
 */
const recentAnswers = new WeakMap<object, { live: KubeObject; noop: boolean }>();

function decideNoop(desired: object, live: KubeObject): boolean {
  const managed = (live.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
  const ours = managed.find((m) => m.manager === FIELD_MANAGER && m.operation === "Apply" && !m.subresource);
  if (!ours?.fieldsV1) return false;
  // List items carry no apiVersion and kind: the caller matched the kind already.
  const { apiVersion: _v, kind: _k, ...want } = desired as Record<string, Json>;
  return isSubset(want, live) && sendsOwnedFields(ours.fieldsV1, [want]);
}
