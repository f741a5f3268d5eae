import { API_VERSION, type Emqx, KIND, mergeKeepFirst } from "@emqx-reconciler/api";
import type { V1ObjectMeta, V1OwnerReference } from "@kubernetes/client-node";

/** Namespace of the CR; a CR read from a file without one lands in `default`, as with kubectl. */
export function namespaceOf(emqx: Emqx): string {
  return emqx.metadata.namespace ?? "default";
}

/**
 * The controller owner reference every child carries, so garbage collection removes the children with the CR and
 * the watches map a child back to its CR. A CR that was never stored (no `uid`, e.g. `plan -f`) has none.
 */
export function ownerReference(emqx: Emqx): V1OwnerReference | undefined {
  const uid = emqx.metadata.uid;
  if (!uid) return undefined;
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: emqx.metadata.name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * `metadata` of a child: name, namespace, labels merged keep-first (ours first, so user labels cannot override
 * `apps.emqx.io/*`), annotations when there are any, and the controller owner reference.
 */
export function childMeta(
  emqx: Emqx,
  name: string,
  labels: Record<string, string>,
  annotations?: Record<string, string>,
): V1ObjectMeta {
  const owner = ownerReference(emqx);
  return {
    name,
    namespace: namespaceOf(emqx),
    labels,
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
    ...(owner ? { ownerReferences: [owner] } : {}),
  };
}

/** Default labels merged with the CR's own labels: the label set of Secrets, ConfigMap, headless Service, PDBs. */
export function crLabels(emqx: Emqx, base: Record<string, string>): Record<string, string> {
  return mergeKeepFirst(base, emqx.metadata.labels);
}
