import { LABEL_POD_TEMPLATE_HASH } from "@emqx-reconciler/api";
import type { V1PodSpec, V1PodTemplateSpec } from "@kubernetes/client-node";
import { withUniquePodKeys } from "../children/keyedLists.ts";
import { applyPodTemplateDefaults } from "./apiserverDefaults.ts";
import { canonicalQuantity } from "./quantity.ts";

/**
 * Go serialises plain (non-pointer) fields with `omitempty`, so `false`, `0` and `""` in a desired object come back
 * from the apiserver as absent. These pointer fields are the exceptions whose zero value means something other
 * than "unset" (nil `automountServiceAccountToken` means true, `runAsUser: 0` means root, …).
 */
const FALSE_IS_MEANINGFUL = new Set([
  "automountServiceAccountToken",
  "hostUsers",
  "allowPrivilegeEscalation",
  "enableServiceLinks",
]);
const ZERO_IS_MEANINGFUL = new Set([
  "runAsUser",
  "runAsGroup",
  "fsGroup",
  "mode",
  "defaultMode",
  "terminationGracePeriodSeconds",
  "activeDeadlineSeconds",
  "expirationSeconds",
  "priority",
  "tolerationSeconds",
]);
const EMPTY_IS_MEANINGFUL = new Set(["storageClassName"]);
/** Free-form string maps: every value counts, including `""`. */
const STRING_MAPS = new Set(["labels", "annotations", "nodeSelector", "matchLabels", "volumeAttributes"]);
/** Resource lists, whose quantities the apiserver rounds up to milli units. */
const RESOURCE_LISTS = new Set(["limits", "requests", "overhead"]);
const QUANTITY_FIELDS = new Set(["sizeLimit", "divisor"]);

function prune(value: unknown, key: string, parentKey: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (RESOURCE_LISTS.has(parentKey) && (typeof value === "string" || typeof value === "number")) {
    return canonicalQuantity(value, true);
  }
  if (QUANTITY_FIELDS.has(key) && (typeof value === "string" || typeof value === "number")) {
    return canonicalQuantity(value);
  }
  if (STRING_MAPS.has(parentKey)) return value;
  if (Array.isArray(value)) {
    // Array items keep their places; a string or number item is a value in its own right (`args: [""]`).
    const items = value.map((item) => (typeof item === "object" ? (prune(item, "", key) ?? null) : item));
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const pruned = prune(v, k, key);
      if (pruned !== undefined) out[k] = pruned;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (value === false && !FALSE_IS_MEANINGFUL.has(key)) return undefined;
  if (value === 0 && !ZERO_IS_MEANINGFUL.has(key)) return undefined;
  if (value === "" && !EMPTY_IS_MEANINGFUL.has(key)) return undefined;
  return value;
}

/**
 * The meaning of a pod template, independent of how it was spelled or who stored it: the hash label removed, one
 * entry per key in keyed lists (as the kubelet reads duplicates), the apiserver's defaults filled in, quantities reduced to exact fractions, and empty values (`{}`, `[]`, `""`,
 * Go-omitted zeros, `null`) dropped. Only `metadata.labels` and `metadata.annotations` of the template count.
 *
 * Two templates with equal semantic forms run the same pods, so a set created by the Go operator (as the apiserver
 * returns it) and the template we would build for the same CR compare equal.
 */
export function semanticForm(template: V1PodTemplateSpec): unknown {
  const copy = JSON.parse(JSON.stringify(template ?? {})) as Record<string, unknown>;
  const metadata = (copy.metadata ?? {}) as Record<string, unknown>;
  const labels = { ...((metadata.labels ?? {}) as Record<string, string>) };
  delete labels[LABEL_POD_TEMPLATE_HASH];
  copy.metadata = { labels, annotations: metadata.annotations };
  // A set the operator wrote may hold two entries of one key (its Update allows it); the pods run what the kubelet
  // makes of them, which is the one entry per key our builders write.
  if (copy.spec) copy.spec = withUniquePodKeys(copy.spec as V1PodSpec) as unknown as Record<string, unknown>;
  applyPodTemplateDefaults(copy);
  return prune(copy, "", "") ?? {};
}
