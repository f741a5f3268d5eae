import type { KindName, KubeObject } from "@emqx-reconciler/adapters";
import { GROUP, KIND, LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY } from "@emqx-reconciler/api";

/** Label selector of every child the forwarder watches: the operator's `instance` + `managed-by` labels. */
export const CHILD_SELECTOR = `${LABEL_INSTANCE},${LABEL_MANAGED_BY}=${MANAGED_BY}`;

/** A CR an object belongs to, within the object's namespace. */
export interface OwnerTarget {
  namespace: string;
  name: string;
  /** Known when the object is the CR itself or carries an owner reference to it. */
  uid?: string;
}

/**
 * The CRs an event on `obj` should wake, in the order to hint them.
 *
 * An EMQX object maps to itself. A child maps to the CR named by its `apps.emqx.io/instance` label (that label
 * is how the reconciler lists children, so it decides who observes the child). Owner references cross-check it:
 * a matching EMQX owner reference contributes the CR's uid, and an EMQX owner reference naming another CR adds
 * that CR too (both would read this child, and a hint too many is harmless). Objects without both operator
 * labels belong to no CR.
 */
export function computeOwnerTargets(kind: KindName, obj: KubeObject): OwnerTarget[] {
  const meta = obj.metadata;
  const namespace = meta?.namespace;
  if (!namespace || !meta.name) return [];
  if (kind === "EMQX") return [withUid({ namespace, name: meta.name }, meta.uid)];
  const instance = meta.labels?.[LABEL_INSTANCE];
  if (!instance || meta.labels?.[LABEL_MANAGED_BY] !== MANAGED_BY) return [];
  const emqxOwners = (meta.ownerReferences ?? []).filter(
    (ref) => ref.kind === KIND && ref.apiVersion?.startsWith(`${GROUP}/`),
  );
  const fromLabel = withUid(
    { namespace, name: instance },
    emqxOwners.find((ref) => ref.name === instance)?.uid,
  );
  const others = emqxOwners
    .filter((ref) => ref.name !== instance)
    .map((ref) => withUid({ namespace, name: ref.name }, ref.uid));
  return [fromLabel, ...others];
}

/** `namespace/name` of a CR within one cluster. */
export function namespacedKey(target: { namespace: string; name: string }): string {
  return `${target.namespace}/${target.name}`;
}

function withUid(target: OwnerTarget, uid: string | undefined): OwnerTarget {
  return uid ? { ...target, uid } : target;
}
