import type { V1PodTemplateSpec } from "@kubernetes/client-node";
import { canonicalJson } from "./canonicalJson.ts";
import { semanticForm } from "./semanticForm.ts";

/**
 * Decides "a new StatefulSet/ReplicaSet is needed": true when the desired pod template would run different pods
 * than the live set's template.
 *
 * Like the operator, the decision is a comparison of templates, never of hash labels: the hash
 * label is ignored, as are the fields the apiserver defaults when the desired template leaves them out
 * (`terminationMessagePath`, `dnsPolicy`, probe timings, `protocol: TCP`, `defaultMode: 420`, …), and quantities
 * compare by amount (`"1Gi"` = `"1024Mi"`). Sets created by the Go operator are therefore adopted without a
 * blue-green update. Unlike the operator's 3-way diff, a field removed from the CR (say a `nodeSelector`) is a
 * difference too.
 *
 * @example
 * if (!updateSet || templatesDiffer(desired.spec.template, updateSet.spec.template)) createNewSet(desired);
 */
export function templatesDiffer(desired: V1PodTemplateSpec, live: V1PodTemplateSpec): boolean {
  return canonicalJson(semanticForm(desired)) !== canonicalJson(semanticForm(live));
}
