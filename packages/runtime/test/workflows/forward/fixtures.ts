/** Small object builders for the forwarder's unit tests: wire-format JSON as the apiserver returns it. */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { API_VERSION, KIND, LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY } from "@emqx-reconciler/api";

export interface ObjectFields {
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
  }>;
  [field: string]: unknown;
}

/** An EMQX CR. */
export function emqx(name: string, fields: ObjectFields = {}): KubeObject {
  const {
    namespace = "default",
    uid = `uid-${name}`,
    resourceVersion = "1",
    generation = 1,
    ...rest
  } = fields;
  const { labels, annotations, ownerReferences, ...body } = rest;
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name, namespace, uid, resourceVersion, generation, labels, annotations, ownerReferences },
    ...body,
  } as KubeObject;
}

/** A child labelled for CR `instance` (owner reference to it unless `ownerReferences` is given). */
export function child(kind: string, name: string, instance: string, fields: ObjectFields = {}): KubeObject {
  const {
    namespace = "default",
    uid = `uid-${kind}-${name}`,
    resourceVersion = "1",
    generation,
    ...rest
  } = fields;
  const { labels, annotations, ownerReferences, ...body } = rest;
  return {
    kind,
    metadata: {
      name,
      namespace,
      uid,
      resourceVersion,
      generation,
      labels: { [LABEL_INSTANCE]: instance, [LABEL_MANAGED_BY]: MANAGED_BY, ...labels },
      annotations,
      ownerReferences: ownerReferences ?? [
        { apiVersion: API_VERSION, kind: KIND, name: instance, uid: `uid-${instance}`, controller: true },
      ],
    },
    ...body,
  } as KubeObject;
}

/** A Ready pod status with one container. */
export function podStatus(ready: boolean, podIP = "10.0.0.1", extra: Record<string, unknown> = {}) {
  return {
    phase: "Running",
    podIP,
    conditions: [
      { type: "Ready", status: ready ? "True" : "False", lastTransitionTime: "2026-01-01T00:00:00Z" },
      { type: "apps.emqx.io/on-serving", status: ready ? "True" : "False" },
    ],
    containerStatuses: [{ name: "emqx", ready, started: true, restartCount: 0, state: { running: {} } }],
    ...extra,
  };
}
