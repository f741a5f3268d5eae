/**
 * The read cache of the embedded reconciler: the objects the forwarder's informers list and watch, kept per
 * scope (a kind, in one namespace or in all), with client-go informer semantics:
 * - a list replaces its scope wholesale (the initial list, and the relist after 410 Gone, which also drops what
 *   was deleted during the gap);
 * - a watch event replaces an object only when it is newer (resourceVersions of one cluster are etcd revisions,
 *   compared as numbers, as client-go's mutation cache does), so the cache never goes back in time;
 * - the result of our own write goes in the same way, so the next pass reads what it wrote without a request;
 *   one of an object the cache does not hold goes in only when it is newer than everything the watch has
 *   delivered (an object we just created), never when the watch has already moved past it (one deleted since).
 * Objects are stored compact (see {@link compactObject}) and handed out as stored: callers must not mutate them.
 */
import type { KindName, KubeObject, WatchEvent } from "@emqx-reconciler/adapters";
import { LABEL_INSTANCE } from "@emqx-reconciler/api";
import { compareText } from "@emqx-reconciler/core";
import { compactObject } from "./compact.ts";
import { matchesSelector, parseSelector, type Requirement, selectorImplies } from "./labelSelector.ts";
import { ScopeObjects } from "./scopeObjects.ts";

/** One cached scope: a kind, in one namespace (`undefined`: all), limited to a label selector. */
export interface CacheScope {
  kind: KindName;
  namespace: string | undefined;
  labelSelector?: string | undefined;
}

/** Counters of the cache. */
export interface ObjectCacheStats {
  /** Objects held now. */
  objects: number;
  /** Scopes listed at least once. */
  scopes: number;
  /** Lists taken (initial lists and relists). */
  lists: number;
  /** Watch events and written objects taken in. */
  updates: number;
  /** Events or writes ignored because the cache already held a newer version. */
  staleIgnored: number;
}

interface ScopeState {
  scope: CacheScope;
  requirements: Requirement[];
  objects: ScopeObjects;
  /** Collection resourceVersion of the last list, advanced by events and bookmarks. */
  resourceVersion: string;
}

/** True when `incoming` is newer than `existing` (or either cannot be compared: the incoming one wins). */
export function isNewerVersion(incoming: string | undefined, existing: string | undefined): boolean {
  if (!incoming || !existing || !/^\d+$/.test(incoming) || !/^\d+$/.test(existing)) return true;
  return BigInt(incoming) > BigInt(existing);
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}

function scopeKey(kind: KindName, namespace: string | undefined): string {
  return `${kind}@${namespace ?? "*"}`;
}

/** The read cache; see the module comment. */
export class ObjectCache {
  private readonly scopes = new Map<string, ScopeState>();
  private readonly counts = { lists: 0, updates: 0, staleIgnored: 0 };

  /** Replaces the content of `scope` with a list result (initial list or relist). */
  replaceScope(scope: CacheScope, items: readonly KubeObject[], resourceVersion: string): void {
    const requirements = parseSelector(scope.labelSelector) ?? [];
    const objects = new ScopeObjects();
    for (const item of items) objects.set(keyOf(item), compactObject(scope.kind, item));
    this.scopes.set(scopeKey(scope.kind, scope.namespace), { scope, requirements, objects, resourceVersion });
    this.counts.lists++;
  }

  /** Forgets `scope` (it can no longer be watched): reads it covered go to the apiserver again. */
  dropScope(scope: CacheScope): void {
    this.scopes.delete(scopeKey(scope.kind, scope.namespace));
  }

  /** Takes one watch event of `scope` (ignored until the scope is listed; bookmarks only advance its version). */
  applyEvent(scope: CacheScope, event: WatchEvent): void {
    const state = this.scopes.get(scopeKey(scope.kind, scope.namespace));
    if (!state) return;
    const version = event.object.metadata?.resourceVersion;
    if (version && isNewerVersion(version, state.resourceVersion)) state.resourceVersion = version;
    if (event.type === "BOOKMARK") return;
    const key = keyOf(event.object);
    if (event.type === "DELETED") {
      const held = state.objects.get(key);
      if (!held || held.metadata?.uid === event.object.metadata?.uid) state.objects.delete(key);
      return;
    }
    this.put(state, key, event.object);
  }

  /**
   * Takes an object as a write returned it (apply, create, patch, status): stored when newer than the cached
   * one, in the scope that covers it; an object that no longer matches its scope's selector leaves it.
   */
  noteWritten(kind: KindName, obj: KubeObject | undefined): void {
    if (!obj?.metadata?.name) return;
    const state = this.stateFor(kind, obj.metadata.namespace);
    if (!state) return;
    const key = keyOf(obj);
    if (!matchesSelector(obj.metadata.labels, state.requirements)) {
      state.objects.delete(key);
      return;
    }
    if (!state.objects.get(key) && !isNewerVersion(obj.metadata.resourceVersion, state.resourceVersion)) {
      // The watch has passed this version and holds no such object: it was deleted since (a write's answer can
      // arrive after the DELETED event of the object it changed). Taking it in would bring back a pod that is
      // gone, for good: no event would ever remove it again.
      this.counts.staleIgnored++;
      return;
    }
    this.put(state, key, obj);
  }

  /** Forgets an object we deleted (its UID must match; the watch's DELETED event would do the same). */
  noteDeleted(kind: KindName, namespace: string | undefined, name: string, uid: string): void {
    const state = this.stateFor(kind, namespace);
    const key = `${namespace ?? ""}/${name}`;
    if (state?.objects.get(key)?.metadata?.uid === uid) state.objects.delete(key);
  }

  /**
   * True when the cache holds every object of `kind` in `namespace` (`undefined`: all namespaces) that
   * `labelSelector` can match: a listed scope covers them and the selector implies the scope's.
   */
  covers(kind: KindName, namespace: string | undefined, labelSelector?: string): boolean {
    const state = this.stateFor(kind, namespace);
    if (!state) return false;
    const requirements = parseSelector(labelSelector);
    return requirements !== undefined && selectorImplies(requirements, state.requirements);
  }

  /** The cached object, or `undefined` (check {@link covers} first: absent from a covered scope means absent). */
  get(kind: KindName, namespace: string, name: string): KubeObject | undefined {
    return this.stateFor(kind, namespace)?.objects.get(`${namespace}/${name}`);
  }

  /** Cached objects of `kind` in `namespace` (all when `undefined`) matching `labelSelector`, in name order. */
  list(kind: KindName, namespace: string | undefined, labelSelector?: string): KubeObject[] {
    const state = this.stateFor(kind, namespace);
    if (!state) return [];
    const requirements = parseSelector(labelSelector) ?? [];
    const instance = requirements.find((r) => r.key === LABEL_INSTANCE && r.op === "=")?.value;
    const items: KubeObject[] = [];
    for (const obj of state.objects.values(instance)) {
      if (namespace !== undefined && obj.metadata?.namespace !== namespace) continue;
      if (matchesSelector(obj.metadata?.labels, requirements)) items.push(obj);
    }
    return items.sort((a, b) => compareText(keyOf(a), keyOf(b)));
  }

  /** The version the cache of this kind has seen up to, in `namespace`'s scope. */
  resourceVersion(kind: KindName, namespace: string | undefined): string {
    return this.stateFor(kind, namespace)?.resourceVersion ?? "";
  }

  stats(): ObjectCacheStats {
    let objects = 0;
    for (const state of this.scopes.values()) objects += state.objects.size;
    return { objects, scopes: this.scopes.size, ...this.counts };
  }

  /** The scope of one namespace, else the all-namespaces one. */
  private stateFor(kind: KindName, namespace: string | undefined): ScopeState | undefined {
    if (namespace === undefined) return this.scopes.get(scopeKey(kind, undefined));
    return this.scopes.get(scopeKey(kind, namespace)) ?? this.scopes.get(scopeKey(kind, undefined));
  }

  private put(state: ScopeState, key: string, obj: KubeObject): void {
    const held = state.objects.get(key);
    if (held && !isNewerVersion(obj.metadata?.resourceVersion, held.metadata?.resourceVersion)) {
      if (held.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.counts.staleIgnored++;
      return;
    }
    this.counts.updates++;
    state.objects.set(key, compactObject(state.scope.kind, obj));
  }
}
