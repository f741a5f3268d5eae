/**
 * Reading the observed state of one CR for `plan`: one list per owned kind, and the rarer reads (referenced Secrets,
 * `SuccessfulDelete` Events, old PVCs) only when the pass can use them.
 */
import {
  decodeSecretData,
  type KubeEvent,
  type KubeObject,
  type OwnedChildren,
  ownedSelector,
} from "@emqx-reconciler/adapters";
import {
  ANNOTATION_BOOTSTRAP_KEY_FOR,
  ANNOTATION_CREDENTIALS_GENERATION,
  childNames,
  LABEL_POD_TEMPLATE_HASH,
} from "@emqx-reconciler/api";
import {
  type EmqxObject,
  type Observed,
  type ReferencedSecretConsent,
  type ReferencedSecretValues,
  type SetDeleteEvent,
  secretRefsToRead,
} from "@emqx-reconciler/core";
import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { KubePort } from "../ports.ts";
import { readKnownCredentials } from "./readCredentials.ts";

/** The reads {@link readObserved} makes: no write method, so a read-only caller can pass a read-only view. */
export type ObservedReader = Pick<
  KubePort,
  "listChildren" | "list" | "listEvents" | "getSecret" | "readBootstrapCredential"
>;

/** A CR's namespace and name, from its metadata (the gateway always returns both). */
export function crRef(cr: KubeObject): { namespace: string; name: string } {
  return { namespace: cr.metadata?.namespace ?? "", name: cr.metadata?.name ?? "" };
}

/** The CR as `plan` takes it. */
export function asEmqxObject(cr: KubeObject): EmqxObject {
  return { ...cr, metadata: (cr.metadata ?? {}) as EmqxObject["metadata"] } as EmqxObject;
}

/** Reads one field path of untyped JSON (the CR is not validated here: `plan` does that). */
function field(obj: unknown, ...path: string[]): unknown {
  let at = obj;
  for (const key of path)
    at = at && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

interface SetLike {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { replicas?: number };
}

/** Old sets still holding pods: the ones a blue-green scale-down is working through. */
function setsScalingDown(sets: readonly SetLike[], updateRevision: unknown): string[] {
  if (sets.length < 2) return [];
  return sets
    .filter(
      (s) => s.metadata?.labels?.[LABEL_POD_TEMPLATE_HASH] !== updateRevision && (s.spec?.replicas ?? 0) > 0,
    )
    .map((s) => s.metadata?.name ?? "");
}

/** `SuccessfulDelete` Events of old sets; only read when `waitTakeover` makes their timestamps matter. */
async function readDeleteEvents(
  kube: ObservedReader,
  cr: KubeObject,
  children: OwnedChildren,
): Promise<SetDeleteEvent[]> {
  const waitTakeover = field(cr, "spec", "updateStrategy", "evacuationStrategy", "waitTakeover");
  if (typeof waitTakeover !== "number" || waitTakeover <= 0) return [];
  const names = [
    ...setsScalingDown(children.StatefulSet, field(cr, "status", "coreNodesStatus", "updateRevision")),
    ...setsScalingDown(children.ReplicaSet, field(cr, "status", "replicantNodesStatus", "updateRevision")),
  ];
  const { namespace } = crRef(cr);
  const lists = await Promise.all(names.map((n) => kube.listEvents(namespace, n, "SuccessfulDelete")));
  return lists.flat().flatMap((e: KubeEvent) => {
    const at = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
    return at && e.involvedObject?.name ? [{ setName: e.involvedObject.name, at: String(at) }] : [];
  });
}

/**
 * Values of the `bootstrapAPIKeys[].secretRef` Secrets and their consent annotation, read only while the bootstrap
 * Secret must be created: one list by name each (a list carries the metadata a `getSecret` leaves out).
 */
async function readReferencedSecrets(
  kube: ObservedReader,
  cr: KubeObject,
  secrets: Observed["secrets"],
): Promise<{ values: ReferencedSecretValues; consent: ReferencedSecretConsent }> {
  const names = secretRefsToRead(asEmqxObject(cr), { secrets });
  const { namespace } = crRef(cr);
  const found = await Promise.all(
    names.map((n) => kube.list("Secret", { namespace, fieldSelector: `metadata.name=${n}` })),
  );
  const values: ReferencedSecretValues = {};
  const consent: ReferencedSecretConsent = {};
  names.forEach((name, i) => {
    const secret = found[i]?.items[0];
    values[name] = secret ? decodeSecretData(secret.data as Record<string, string> | undefined) : null;
    consent[name] = secret?.metadata?.annotations?.[ANNOTATION_BOOTSTRAP_KEY_FOR];
  });
  return { values, consent };
}

/**
 * Everything `plan` needs from Kubernetes for `cr`: one list per owned kind (in parallel), plus the reads that
 * only some passes need. Secrets are seen by presence: their values are read only while one is missing (referenced
 * ones, and the credentials a missing generated Secret is recreated with).
 */
export async function readObserved(kube: ObservedReader, cr: KubeObject): Promise<Observed> {
  const { namespace, name } = crRef(cr);
  const children = await kube.listChildren(namespace, name);
  const secrets = children.Secret.map((s) => ({
    name: s.metadata.name ?? "",
    ...(s.metadata.uid ? { uid: s.metadata.uid } : {}),
    ...(s.metadata.resourceVersion ? { resourceVersion: s.metadata.resourceVersion } : {}),
    ...(s.metadata.annotations?.[ANNOTATION_CREDENTIALS_GENERATION]
      ? { credentialsGeneration: s.metadata.annotations[ANNOTATION_CREDENTIALS_GENERATION] }
      : {}),
  }));
  const [deleteEvents, referenced, knownCredentials, claimList] = await Promise.all([
    readDeleteEvents(kube, cr, children),
    readReferencedSecrets(kube, cr, secrets),
    readKnownCredentials(kube, namespace, name, secrets),
    // Claims matter only while an old StatefulSet exists: they are deleted with it (the operator's syncSets).
    children.StatefulSet.length > 1
      ? kube
          .list("PersistentVolumeClaim", { namespace, labelSelector: ownedSelector(name) })
          .then((l) => l.items)
      : Promise.resolve([]),
  ]);
  const configMap = children.ConfigMap.find((c) => c.metadata?.name === childNames(name).configs);
  return {
    statefulSets: children.StatefulSet,
    replicaSets: children.ReplicaSet,
    pods: children.Pod,
    services: children.Service,
    ...(configMap ? { configMap } : {}),
    secrets,
    pdbs: children.PodDisruptionBudget,
    persistentVolumeClaims: claimList as V1PersistentVolumeClaim[],
    deleteEvents,
    referencedSecretValues: referenced.values,
    referencedSecretConsent: referenced.consent,
    ...(knownCredentials ? { knownCredentials } : {}),
  } as unknown as Observed;
}
