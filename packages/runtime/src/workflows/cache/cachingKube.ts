/**
 * A `KubePort` that reads from the {@link ObjectCache} the forwarder keeps warm and writes through to the
 * apiserver, for the embedded runtime (the Lambda handlers keep direct reads: they hold no watch).
 *
 * Reads: a CR, a list or a CR's children come from the cache when a listed scope covers them; anything else
 * (Secret values, Events, claims, a scope not listed yet) goes to the apiserver, except the EMQX API credential of
 * a bootstrap-key Secret this process has just created (`createdCredentials.ts`). A CR missing from the cache is
 * read from the apiserver once more, so a hint that outran its watch event still finds its CR.
 *
 * Writes are unchanged (server-side apply, create-only Secrets, UID-guarded deletes, resourceVersion-guarded
 * status and scale writes); what each returns goes into the cache, so the next pass reads its own writes
 * without a request. Why a stale cache cannot cause a wrong write: every object it holds is a version the
 * apiserver stored, never older than one this process read or wrote before (versions only move forward), so a
 * pass reading it decides what a pass with direct reads a moment earlier would have decided; the writes where
 * that moment matters carry the version or UID they were planned from and are refused (409) when it moved.
 */
import { OWNED_KINDS, type OwnedChildren, ownedSelector, resourceFor } from "@emqx-reconciler/adapters";
import type { KubePort } from "../../ports.ts";
import { createdCredentials } from "./createdCredentials.ts";
import type { ObjectCache } from "./objectCache.ts";

/** Read counters of a caching port. */
export interface CachingKubeStats {
  /** Reads answered from the cache. */
  hits: number;
  /** Reads passed to the apiserver (not covered, or a CR missing from the cache). */
  misses: number;
}

/** A caching port and its counters. */
export interface CachingKube {
  kube: KubePort;
  stats(): CachingKubeStats;
}

type WrittenKind = Parameters<ObjectCache["noteWritten"]>[0];

function kindOf(obj: { apiVersion?: string; kind?: string }): WrittenKind | undefined {
  try {
    const info = resourceFor(obj.apiVersion, obj.kind);
    return info.kind as WrittenKind;
  } catch {
    return undefined;
  }
}

/**
 * Wraps `kube` (the gateway, or any port) so reads come from `cache` where it covers them.
 *
 * @example const { kube } = createCachingKube(gateway, cache); // then: reconcile({ kube, ... }, key)
 */
export function createCachingKube(kube: KubePort, cache: ObjectCache): CachingKube {
  const counts: CachingKubeStats = { hits: 0, misses: 0 };
  const hit = <T>(value: T): T => {
    counts.hits++;
    return value;
  };
  const note = <T extends { apiVersion?: string; kind?: string }>(obj: T | undefined): T | undefined => {
    const kind = obj && kindOf(obj);
    if (obj && kind) cache.noteWritten(kind, obj as Parameters<ObjectCache["noteWritten"]>[1]);
    return obj;
  };
  const created = createdCredentials(cache);
  const cached: KubePort = {
    async getEmqx(namespace, name) {
      if (cache.covers("EMQX", namespace)) {
        const cr = cache.get("EMQX", namespace, name);
        if (cr) return hit(cr);
      }
      counts.misses++;
      return note(await kube.getEmqx(namespace, name));
    },
    async listEmqx(namespace) {
      if (cache.covers("EMQX", namespace)) {
        return hit({
          items: cache.list("EMQX", namespace),
          resourceVersion: cache.resourceVersion("EMQX", namespace),
        });
      }
      counts.misses++;
      return kube.listEmqx(namespace);
    },
    async list(kind, options = {}) {
      if (!options.fieldSelector && cache.covers(kind, options.namespace, options.labelSelector)) {
        return hit({
          items: cache.list(kind, options.namespace, options.labelSelector),
          resourceVersion: cache.resourceVersion(kind, options.namespace),
        });
      }
      counts.misses++;
      return kube.list(kind, options);
    },
    async listChildren(namespace, instance) {
      const selector = ownedSelector(instance);
      if (!OWNED_KINDS.every((kind) => cache.covers(kind, namespace, selector))) {
        counts.misses++;
        return kube.listChildren(namespace, instance);
      }
      const lists = OWNED_KINDS.map((kind) => cache.list(kind, namespace, selector));
      return hit(
        Object.fromEntries(OWNED_KINDS.map((kind, i) => [kind, lists[i]])) as unknown as OwnedChildren,
      );
    },
    listEvents: (namespace, involvedName, reason) => kube.listEvents(namespace, involvedName, reason),
    getSecret: (namespace, name) => kube.getSecret(namespace, name),
    async readBootstrapCredential(namespace, name) {
      const known = created.take(namespace, name);
      if (known) return hit(known);
      counts.misses++;
      return kube.readBootstrapCredential(namespace, name);
    },
    async apply(obj, options) {
      const stored = await kube.apply(obj, options);
      return options?.dryRun ? stored : (note(stored) ?? stored);
    },
    async createIfAbsent(obj) {
      const result = await kube.createIfAbsent(obj);
      note(result.object);
      if (result.outcome === "created") created.noteCreated(result.object);
      return result;
    },
    async delete(ref) {
      const done = await kube.delete(ref);
      const kind = kindOf(ref);
      if (kind) cache.noteDeleted(kind, ref.namespace, ref.name, ref.uid);
      return done;
    },
    async replaceStatus(cr) {
      const stored = await kube.replaceStatus(cr);
      return note(stored) ?? stored;
    },
    async patchCrAnnotations(namespace, name, annotations, resourceVersion) {
      const stored = await kube.patchCrAnnotations(namespace, name, annotations, resourceVersion);
      return note(stored) ?? stored;
    },
    async setReplicas(kind, namespace, name, replicas, resourceVersion) {
      const stored = await kube.setReplicas(kind, namespace, name, replicas, resourceVersion);
      return note(stored) ?? stored;
    },
    async patchPodAnnotations(namespace, name, annotations) {
      const stored = await kube.patchPodAnnotations(namespace, name, annotations);
      return note(stored) ?? stored;
    },
    setPodCondition: (pod, condition) =>
      kube.setPodCondition(pod, condition, { onStored: (stored) => cache.noteWritten("Pod", stored) }),
    async setFinalizers(kind, namespace, name, finalizers, resourceVersion) {
      const stored = await kube.setFinalizers(kind, namespace, name, finalizers, resourceVersion);
      cache.noteWritten(kind, stored);
      return stored;
    },
    recordEvent: (cr, event) => kube.recordEvent(cr, event),
  };
  return { kube: cached, stats: () => ({ ...counts }) };
}
