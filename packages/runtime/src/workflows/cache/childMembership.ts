import type { KubeObject } from "@emqx-reconciler/adapters";
import { LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY } from "@emqx-reconciler/api";

/** `namespace/name` of a CR within one cluster. */
export function crIn(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * The CR whose children list (`ownedSelector(name)` in the object's namespace) returns `obj`, as `namespace/name`:
 * the one named by its `apps.emqx.io/instance` label when it is managed by the operator's labels, else none.
 * Owner references play no part, since the list a reconcile makes does not read them.
 */
export function listingCr(obj: KubeObject): string | undefined {
  const meta = obj.metadata;
  const instance = meta?.labels?.[LABEL_INSTANCE];
  if (!meta?.namespace || !instance || meta.labels?.[LABEL_MANAGED_BY] !== MANAGED_BY) return undefined;
  return crIn(meta.namespace, instance);
}
