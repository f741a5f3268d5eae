/**
 * A `KubePort` for one reconcile pass of the Lambda path: the CR's children of a kind come from the container's
 * {@link ChildListMemo} when the hint's digest of that kind matches it, else from one list by label selector (as
 * the gateway's `listChildren` makes), which the memo then remembers. Every other read goes to the apiserver as
 * before (the CR's GET each pass, Secret values, Events, claims). Writes are unchanged (server-side apply,
 * create-only Secrets, UID-guarded deletes, resourceVersion-guarded status and scale writes); the objects they
 * return go into the memo, so a later hint whose digest includes them finds a match.
 */
import {
  type KubeObject,
  OWNED_KINDS,
  type OwnedChildren,
  type OwnedKind,
  ownedSelector,
  resourceFor,
} from "@emqx-reconciler/adapters";
import type { KubePort } from "../../ports.ts";
import type { ChildListMemo } from "./childListMemo.ts";
import { crIn, listingCr } from "./childMembership.ts";

/** The CR a pass reconciles and what its hint said of the children (`Hint.childDigests`). */
export interface PassHint {
  namespace: string;
  name: string;
  childDigests?: Record<string, string> | undefined;
}

const OWNED: ReadonlySet<string> = new Set(OWNED_KINDS);

function ownedKindOf(obj: { apiVersion?: string; kind?: string }): OwnedKind | undefined {
  try {
    const kind = resourceFor(obj.apiVersion, obj.kind).kind;
    return OWNED.has(kind) ? (kind as OwnedKind) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wraps `kube` for a pass started by `hint`.
 *
 * @example const pass = rememberingKube(gateway, memo, hint); await reconcile({ ...deps, kube: pass }, hint);
 */
export function rememberingKube(kube: KubePort, memo: ChildListMemo, hint: PassHint): KubePort {
  const passCr = crIn(hint.namespace, hint.name);
  /** A written child goes into its CR's remembered list; one that left the pass's CR makes that list forgotten. */
  const note = <T>(written: T): T => {
    const obj = written as KubeObject | undefined;
    const kind = obj && ownedKindOf(obj);
    if (!obj || !kind) return written;
    const cr = listingCr(obj);
    if (cr) memo.noteWritten(cr, kind, obj);
    if (cr !== passCr) memo.forget(passCr, kind);
    return written;
  };
  const listKind = async (kind: OwnedKind, namespace: string, instance: string): Promise<KubeObject[]> => {
    const cr = crIn(namespace, instance);
    const digest = cr === passCr ? hint.childDigests?.[kind] : undefined;
    const served = memo.lookup(cr, kind, digest);
    if (served) return served;
    const { items } = await kube.list(kind, {
      namespace,
      labelSelector: ownedSelector(instance),
      metadataOnly: kind === "Secret",
    });
    memo.remember(cr, kind, items);
    return items;
  };
  return {
    getEmqx: (namespace, name) => kube.getEmqx(namespace, name),
    listEmqx: (namespace) => kube.listEmqx(namespace),
    list: (kind, options) => kube.list(kind, options),
    listEvents: (namespace, involvedName, reason) => kube.listEvents(namespace, involvedName, reason),
    getSecret: (namespace, name) => kube.getSecret(namespace, name),
    readBootstrapCredential: (namespace, name) => kube.readBootstrapCredential(namespace, name),
    replaceStatus: (cr) => kube.replaceStatus(cr),
    patchCrAnnotations: (namespace, name, annotations, resourceVersion) =>
      kube.patchCrAnnotations(namespace, name, annotations, resourceVersion),
    setFinalizers: (kind, namespace, name, finalizers, resourceVersion) =>
      kube.setFinalizers(kind, namespace, name, finalizers, resourceVersion),
    recordEvent: (cr, event) => kube.recordEvent(cr, event),
    async listChildren(namespace, instance) {
      const lists = await Promise.all(OWNED_KINDS.map((kind) => listKind(kind, namespace, instance)));
      return Object.fromEntries(OWNED_KINDS.map((kind, i) => [kind, lists[i]])) as unknown as OwnedChildren;
    },
    async apply(obj, options) {
      const stored = await kube.apply(obj, options);
      return options?.dryRun ? stored : note(stored);
    },
    async createIfAbsent(obj) {
      const result = await kube.createIfAbsent(obj);
      if (result.outcome === "created") note(result.object);
      return result;
    },
    async delete(ref) {
      const done = await kube.delete(ref);
      const kind = ownedKindOf(ref);
      if (kind) memo.forget(passCr, kind);
      return done;
    },
    async setReplicas(kind, namespace, name, replicas, resourceVersion) {
      return note(await kube.setReplicas(kind, namespace, name, replicas, resourceVersion));
    },
    async patchPodAnnotations(namespace, name, annotations) {
      return note(await kube.patchPodAnnotations(namespace, name, annotations));
    },
    setPodCondition: (pod, condition, options) =>
      kube.setPodCondition(pod, condition, {
        ...options,
        onStored: (stored) => {
          note(stored);
          options?.onStored?.(stored);
        },
      }),
  };
}
