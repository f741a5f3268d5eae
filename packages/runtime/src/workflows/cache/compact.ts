/**
 * What the read cache keeps of an object: everything the workflows read, minus what only costs memory. The
 * `managedFields` entries of other field managers and the `kubectl.kubernetes.io/last-applied-configuration`
 * annotation (a second copy of the object) are dropped; our own manager's entries stay, because deciding that an
 * apply is a no-op reads them. Secrets keep their metadata only: their values are never cached.
 */
import type { KindName, KubeObject } from "@emqx-reconciler/adapters";
import { FIELD_MANAGER } from "@emqx-reconciler/api";

/** The client-side apply annotation of kubectl: a full JSON copy of the last applied object. */
export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

/** A compact copy of `obj`, an object of `kind` (the input is left untouched). */
export function compactObject(kind: KindName, obj: KubeObject): KubeObject {
  const metadata = obj.metadata;
  if (!metadata) return obj;
  const slim: NonNullable<KubeObject["metadata"]> = { ...metadata };
  if (metadata.managedFields) {
    const ours = metadata.managedFields.filter((m) => m.manager === FIELD_MANAGER);
    if (ours.length > 0) slim.managedFields = ours;
    else delete slim.managedFields;
  }
  if (metadata.annotations && LAST_APPLIED_ANNOTATION in metadata.annotations) {
    const { [LAST_APPLIED_ANNOTATION]: _dropped, ...annotations } = metadata.annotations;
    slim.annotations = annotations;
  }
  if (kind === "Secret") {
    return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: slim };
  }
  return { ...obj, metadata: slim };
}
