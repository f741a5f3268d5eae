import type {
  CoreV1Event,
  V1ConfigMap,
  V1ObjectMeta,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Service,
  V1StatefulSet,
} from "@kubernetes/client-node";

/**
 * A client-node model type as it is on the wire: the gateway returns the apiserver's JSON unchanged, so
 * timestamps are RFC 3339 strings where the models say `Date`.
 */
export type Wire<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer U>
    ? Array<Wire<U>>
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** Any Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Wire<V1ObjectMeta>;
  [field: string]: unknown;
}

/**
 * The least an object needs to be written: its kind and, in metadata, its name and namespace. Structural, so
 * plain literals and client-node `V1*` models (as core's builders produce) are both accepted.
 */
export interface KubeObjectInput {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/** What the API server hands back for a written object of type `T`: the same shape as JSON, with full metadata. */
export type Stored<T> = Wire<T> & KubeObject;

/** Metadata-only view of an object (what `PartialObjectMetadataList` returns; used for Secrets). */
export interface ObjectMetadata {
  apiVersion?: string;
  kind?: string;
  metadata: Wire<V1ObjectMeta>;
}

/** The types `listOwned` returns per kind. Secrets come back as metadata only: their values are never listed. */
export interface OwnedObjects {
  StatefulSet: Wire<V1StatefulSet>;
  ReplicaSet: Wire<V1ReplicaSet>;
  Pod: Wire<V1Pod>;
  Service: Wire<V1Service>;
  ConfigMap: Wire<V1ConfigMap>;
  Secret: ObjectMetadata;
  PodDisruptionBudget: Wire<V1PodDisruptionBudget>;
}

/** A core/v1 Event as read back (waitTakeover reads `SuccessfulDelete` events). */
export type KubeEvent = Wire<CoreV1Event>;

/** Names one object exactly, including the UID a delete must match. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
}

/** A list result: the items and the collection's resourceVersion to start a watch from. */
export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}
