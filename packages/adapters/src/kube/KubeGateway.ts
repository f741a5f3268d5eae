import { childNames, SECRET_KEY_BOOTSTRAP } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import { type BasicCredential, decodeSecretData, findControllerCredential } from "./credentials.ts";
import { KubeError, KubeErrorKind } from "./errors.ts";
import { type EventInput, EventRecorder } from "./events.ts";
import { KubeHttp, type KubeHttpOptions, type KubeRequest } from "./KubeHttp.ts";
import { type PodConditionInput, type SetPodConditionOptions, setPodCondition } from "./podConditions.ts";
import { getObject, type ListOptions, listObjects, ownedSelector } from "./reads.ts";
import { type KindName, OWNED_KINDS, type OwnedKind, RESOURCES } from "./resources.ts";
import type { RequestStatsSnapshot } from "./stats.ts";
import type {
  KubeEvent,
  KubeObject,
  KubeObjectInput,
  ListResult,
  ObjectRef,
  OwnedObjects,
  Stored,
  Wire,
} from "./types.ts";
import { type WatchEnd, type WatchEvent, type WatchHandle, type WatchOptions, watchKind } from "./watch.ts";
import {
  type ApplyOptions,
  applyObject,
  ContentType,
  type CreateResult,
  createIfAbsent,
  deleteObject,
  patchObject,
  replaceStatus,
} from "./writes.ts";

/** Options of {@link KubeGateway}. */
export interface KubeGatewayOptions extends KubeHttpOptions {
  /** Clock for Event and condition timestamps. @default () => new Date() */
  now?: () => Date;
  /**
   * The namespaces this gateway serves; listing every EMQX CR then lists only these (one request each), so a
   * reconciler granted only some namespaces (RBAC per namespace) never asks for the rest. @default all
   */
  namespaces?: readonly string[];
}

/** Every owned child of one CR, one list call per kind. */
export type OwnedChildren = { [K in OwnedKind]: Array<OwnedObjects[K]> };

/**
 * The reconciler's one door to a Kubernetes cluster: reads by label, server-side apply with one field manager,
 * create-only and UID-guarded writes, resourceVersion-guarded status, Events, watches and request stats. Every
 * error is a classified `KubeError`; no method logs, and no error carries a Secret value.
 */
export class KubeGateway {
  private readonly http: KubeHttp;
  private readonly now: () => Date;
  private readonly events: EventRecorder;
  private readonly namespaces: readonly string[] | undefined;

  constructor(options: KubeGatewayOptions) {
    this.namespaces = options.namespaces;
    this.http = new KubeHttp(options);
    this.now = options.now ?? (() => new Date());
    this.events = new EventRecorder(this.http, this.now);
  }

  /** The EMQX CR as stored (unvalidated: the caller parses it), or `undefined` when it does not exist. */
  getEmqx(namespace: string, name: string): Promise<KubeObject | undefined> {
    return getObject(this.http, "EMQX", namespace, name);
  }

  /** EMQX CRs of one namespace, or of every namespace served (all, unless `namespaces` was given). */
  listEmqx(namespace?: string): Promise<ListResult<KubeObject>> {
    return this.list("EMQX", { namespace });
  }

  /** Any supported object by kind, or `undefined` when absent. */
  get(kind: KindName, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    return getObject(this.http, kind, namespace, name);
  }

  /**
   * Objects of a kind with their collection resourceVersion (the forwarder's list before a watch). Without a
   * namespace: across every namespace served, one request per served namespace when `namespaces` was given (the
   * resourceVersion is then the first one's, good for reading but not for a watch).
   */
  async list(kind: KindName, options: ListOptions = {}): Promise<ListResult<KubeObject>> {
    if (options.namespace !== undefined || !this.namespaces) return listObjects(this.http, kind, options);
    const lists = await Promise.all(
      this.namespaces.map((namespace) => listObjects(this.http, kind, { ...options, namespace })),
    );
    return { items: lists.flatMap((l) => l.items), resourceVersion: lists[0]?.resourceVersion ?? "" };
  }

  /** The children of CR `instance` of one kind, by its labels. Secrets come back as metadata only. */
  async listOwned<K extends OwnedKind>(
    kind: K,
    namespace: string,
    instance: string,
  ): Promise<Array<OwnedObjects[K]>> {
    const result = await listObjects(this.http, kind, {
      namespace,
      labelSelector: ownedSelector(instance),
      metadataOnly: kind === "Secret",
    });
    return result.items as unknown as Array<OwnedObjects[K]>;
  }

  /** Every child of CR `instance`: exactly one list request per owned kind, in parallel. */
  async listChildren(namespace: string, instance: string): Promise<OwnedChildren> {
    const lists = await Promise.all(OWNED_KINDS.map((kind) => this.listOwned(kind, namespace, instance)));
    return Object.fromEntries(OWNED_KINDS.map((kind, i) => [kind, lists[i]])) as OwnedChildren;
  }

  /** A Secret's values, decoded (e.g. a `bootstrapAPIKeys[].secretRef`), or `undefined` when it is absent. */
  async getSecret(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const secret = await getObject(this.http, "Secret", namespace, name);
    return secret ? decodeSecretData(secret.data as Record<string, string> | undefined) : undefined;
  }

  /**
   * The `emqx-operator-controller` credential from `<name>-bootstrap-api-key`, the key the EMQX API client
   * authenticates with; `undefined` while the Secret does not exist yet. A Secret without that line is a
   * `terminal` error (as in the operator).
   */
  async readBootstrapCredential(namespace: string, name: string): Promise<BasicCredential | undefined> {
    const secretName = childNames(name).bootstrapApiKey;
    const data = await this.getSecret(namespace, secretName);
    if (data === undefined) return undefined;
    const credential = findControllerCredential(data[SECRET_KEY_BOOTSTRAP] ?? "");
    if (credential) return credential;
    throw new KubeError(
      `Secret ${namespace}/${secretName} has no emqx-operator-controller line in bootstrap_api_key`,
      {
        kind: KubeErrorKind.Terminal,
      },
    );
  }

  /** core/v1 Events about the object named `involvedName`, optionally of one reason (`SuccessfulDelete`). */
  async listEvents(namespace: string, involvedName: string, reason?: string): Promise<KubeEvent[]> {
    const fieldSelector = [`involvedObject.name=${involvedName}`, reason ? `reason=${reason}` : ""]
      .filter(Boolean)
      .join(",");
    const result = await listObjects(this.http, "Event", { namespace, fieldSelector });
    return result.items as unknown as KubeEvent[];
  }

  /** Server-side apply (our field manager, `force`); see {@link applyObject}. */
  apply<T extends KubeObjectInput>(obj: T, options?: ApplyOptions): Promise<Stored<T>> {
    return applyObject(this.http, obj, options);
  }

  /** Creates `obj` unless it exists; AlreadyExists is success, reported as `existed`. */
  createIfAbsent<T extends KubeObjectInput>(obj: T): Promise<CreateResult<T>> {
    return createIfAbsent(this.http, obj);
  }

  /** Deletes the object with this UID; a different UID under that name is a `conflict`, a missing one `absent`. */
  delete(ref: ObjectRef): Promise<"deleted" | "absent"> {
    return deleteObject(this.http, ref);
  }

  /** Replaces the CR's status (PUT `/status`), guarded by its `metadata.resourceVersion`. */
  replaceStatus<T extends KubeObjectInput>(emqx: T): Promise<Stored<T>> {
    return replaceStatus(this.http, emqx);
  }

  /**
   * Merge-patches annotations of a CR (`null` removes one). A merge patch, not an apply: applying only
   * `metadata.annotations` would make our field manager drop ownership of the spec fields it never sent.
   * Pass `resourceVersion` to make the write conditional.
   */
  patchCrAnnotations(
    namespace: string,
    name: string,
    annotations: Record<string, string | null>,
    resourceVersion?: string,
  ): Promise<KubeObject> {
    const metadata = resourceVersion ? { annotations, resourceVersion } : { annotations };
    return patchObject(this.http, {
      info: RESOURCES.EMQX,
      namespace,
      name,
      patch: { metadata },
      contentType: ContentType.MergePatch,
    });
  }

  /**
   * Sets `metadata.finalizers` of a Rebalance to exactly `finalizers`, only if it is still at `resourceVersion`
   * (else `conflict`): a merge patch replaces the whole list, so the caller passes the others unchanged.
   */
  setFinalizers(
    kind: "Rebalance",
    namespace: string,
    name: string,
    finalizers: string[],
    resourceVersion: string,
  ): Promise<KubeObject> {
    return patchObject(this.http, {
      info: RESOURCES[kind],
      namespace,
      name,
      patch: { metadata: { resourceVersion, finalizers } },
      contentType: ContentType.MergePatch,
    });
  }

  /** Sets `spec.replicas` of a set, only if it is still at `resourceVersion` (else `conflict`). */
  setReplicas(
    kind: "StatefulSet" | "ReplicaSet",
    namespace: string,
    name: string,
    replicas: number,
    resourceVersion: string,
  ): Promise<KubeObject> {
    return patchObject(this.http, {
      info: RESOURCES[kind],
      namespace,
      name,
      patch: { metadata: { resourceVersion }, spec: { replicas } },
      contentType: ContentType.MergePatch,
    });
  }

  /** Merge-patches pod annotations (e.g. `controller.kubernetes.io/pod-deletion-cost`; `null` removes one). */
  patchPodAnnotations(
    namespace: string,
    name: string,
    annotations: Record<string, string | null>,
  ): Promise<KubeObject> {
    return patchObject(this.http, {
      info: RESOURCES.Pod,
      namespace,
      name,
      patch: { metadata: { annotations } },
      contentType: ContentType.MergePatch,
    });
  }

  /** Sets a pod condition such as the `apps.emqx.io/on-serving` gate; returns false when nothing had to change. */
  setPodCondition(
    pod: Wire<V1Pod>,
    condition: PodConditionInput,
    options?: SetPodConditionOptions,
  ): Promise<boolean> {
    return setPodCondition(this.http, pod, condition, this.now(), options);
  }

  /** Records a (deduplicated) Event on the CR, so `kubectl describe emqx` tells what happened and why. */
  recordEvent(cr: KubeObjectInput & { metadata?: { uid?: string } }, event: EventInput): Promise<void> {
    return this.events.record(cr, event);
  }

  /** Watches a kind with bookmarks; see {@link watchKind}. */
  watchKind(
    kind: KindName,
    options: WatchOptions,
    onEvent: (event: WatchEvent) => void,
    onDone?: (end: WatchEnd) => void,
  ): WatchHandle {
    return watchKind(this.http, kind, options, onEvent, onDone);
  }

  /**
   * A request through the API server with the gateway's credentials, whatever its answer (for the EMQX client's
   * `apiserver-proxy` mode). The caller reads or dumps the body.
   */
  proxy(request: Omit<KubeRequest, "verb">) {
    return this.http.exchange({ ...request, verb: "proxy" });
  }

  /** Requests made so far, split into reads and writes and counted per verb + resource. */
  stats(): RequestStatsSnapshot {
    return this.http.stats.snapshot();
  }

  /** Starts the request counts from zero. */
  resetStats(): void {
    this.http.stats.reset();
  }

  /** Closes the keep-alive connections (end of a test or process). */
  close(): Promise<void> {
    return this.http.close();
  }
}
