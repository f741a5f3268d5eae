import type { KindName, KubeObject, WatchEvent } from "@emqx-reconciler/adapters";
import { type Hint, HintCause } from "@emqx-reconciler/api";
import { computeFingerprint, isOwnEcho } from "./fingerprint.ts";
import { computeOwnerTargets, namespacedKey, type OwnerTarget } from "./keyMapper.ts";

/** One list + watch stream: a kind, in one namespace or (namespace `undefined`) in all of them. */
export interface Scope {
  kind: KindName;
  namespace: string | undefined;
}

/** Counters of a tracker. */
export interface TrackerStats {
  /** ADDED/MODIFIED events whose fingerprint did not change (status heartbeats, managedFields-only writes). */
  filtered: number;
  /** Child hints dropped because their CR is not known (children being garbage-collected after a delete). */
  orphaned: number;
  /** Child ADDED/MODIFIED events dropped because the newest write was the reconciler's own (see `isOwnEcho`). */
  echoes: number;
  /** `deleted` hints synthesized by a relist for CRs whose deletion the watch never delivered. */
  synthesizedDeletes: number;
  /** Objects tracked now (one fingerprint each). */
  objects: number;
}

/** What the tracker remembers of an object: enough to diff a relist and to hint owners after a delete. */
interface Tracked {
  namespace: string;
  name: string;
  resourceVersion: string | undefined;
  fingerprint: string;
  owners: OwnerTarget[];
}

/**
 * The forwarder's memory of one cluster: a fingerprint per watched object and the set of known CRs (with their
 * uids). It turns lists and watch events into hints — no I/O, so every rule here is unit-tested:
 * - CR events give `added` / `modified` / `deleted`; child events give `child` for their owner CRs;
 * - events whose fingerprint is unchanged give nothing (see `computeRelevantState`), nor do child events whose
 *   newest write is the reconciler's own (`isOwnEcho`);
 * - an initial list gives `resync` for every CR when asked (the watch window's built-in resync);
 * - a relist (after 410 Gone) is diffed against what was known: new, changed and vanished objects are hinted,
 *   and vanished CRs get `deleted` hints — the tombstones the watch could not deliver;
 * - once every CR scope has been listed, child hints for unknown CRs are dropped.
 */
export class ObjectTracker {
  private readonly cluster: string;
  private readonly scopes = new Map<string, Map<string, Tracked>>();
  private readonly crs = new Map<string, { uid: string | undefined }>();
  private readonly crScopesPending: Set<string>;
  private readonly counts = { filtered: 0, orphaned: 0, echoes: 0, synthesizedDeletes: 0 };

  /** `crScopes`: every EMQX scope that will be listed; child hints are filtered only once all have been. */
  constructor(cluster: string, crScopes: readonly Scope[]) {
    this.cluster = cluster;
    this.crScopesPending = new Set(crScopes.map(scopeId));
  }

  /** Takes a list of `scope`; `initial` lists hint `resync` for CRs when `resync` is set, relists are diffed. */
  applyList(scope: Scope, items: readonly KubeObject[], mode: "initial" | "relist", resync: boolean): Hint[] {
    const id = scopeId(scope);
    const before = this.scopes.get(id) ?? new Map<string, Tracked>();
    const after = new Map<string, Tracked>();
    const hints: Hint[] = [];
    for (const obj of items) {
      const uid = obj.metadata?.uid;
      if (uid) after.set(uid, track(scope.kind, obj));
    }
    this.scopes.set(id, after);
    if (scope.kind === "EMQX") this.crScopesPending.delete(id);
    for (const [uid, old] of before) {
      if (after.has(uid)) continue;
      if (scope.kind === "EMQX") {
        this.crs.delete(namespacedKey(old));
        this.counts.synthesizedDeletes++;
        hints.push(this.crHint(old, uid, HintCause.Deleted));
      } else hints.push(...this.childHints(old.owners, old.resourceVersion));
    }
    for (const [uid, now] of after) {
      if (scope.kind === "EMQX") this.crs.set(namespacedKey(now), { uid });
      const old = before.get(uid);
      if (mode === "initial") {
        if (scope.kind === "EMQX" && resync) hints.push(this.crHint(now, uid, HintCause.Resync));
      } else if (!old || old.fingerprint !== now.fingerprint) {
        if (scope.kind === "EMQX")
          hints.push(this.crHint(now, uid, old ? HintCause.Modified : HintCause.Added));
        else hints.push(...this.childHints(union(old?.owners, now.owners), now.resourceVersion));
      }
    }
    return hints;
  }

  /** Takes one watch event of `scope` (bookmarks carry no object change and give nothing). */
  applyEvent(scope: Scope, event: WatchEvent): Hint[] {
    const uid = event.object.metadata?.uid;
    if (event.type === "BOOKMARK" || !uid) return [];
    const objects = this.scopes.get(scopeId(scope)) ?? new Map<string, Tracked>();
    this.scopes.set(scopeId(scope), objects);
    const old = objects.get(uid);
    const now = track(scope.kind, event.object);
    if (event.type === "DELETED") {
      objects.delete(uid);
      if (scope.kind !== "EMQX") return this.childHints(union(old?.owners, now.owners), now.resourceVersion);
      if (this.crs.get(namespacedKey(now))?.uid === uid) this.crs.delete(namespacedKey(now));
      return [this.crHint(now, uid, HintCause.Deleted)];
    }
    objects.set(uid, now);
    if (old && old.fingerprint === now.fingerprint) {
      this.counts.filtered++;
      return [];
    }
    if (scope.kind !== "EMQX") {
      if (isOwnEcho(event.object)) {
        this.counts.echoes++;
        return [];
      }
      return this.childHints(union(old?.owners, now.owners), now.resourceVersion);
    }
    this.crs.set(namespacedKey(now), { uid });
    return [this.crHint(now, uid, old || event.type === "MODIFIED" ? HintCause.Modified : HintCause.Added)];
  }

  stats(): TrackerStats {
    let objects = 0;
    for (const scope of this.scopes.values()) objects += scope.size;
    return { ...this.counts, objects };
  }

  private crHint(cr: Tracked, uid: string, cause: HintCause): Hint {
    const hint: Hint = { cluster: this.cluster, namespace: cr.namespace, name: cr.name, uid, cause };
    return cr.resourceVersion ? { ...hint, resourceVersion: cr.resourceVersion } : hint;
  }

  /**
   * `child` hints for the owners of a changed child. The hint carries the child's resourceVersion: it orders the
   * hint within the cluster and keeps AWS's `uid:resourceVersion:cause` deduplication ids distinct per change.
   */
  private childHints(owners: readonly OwnerTarget[], resourceVersion: string | undefined): Hint[] {
    const synced = this.crScopesPending.size === 0;
    const hints: Hint[] = [];
    for (const owner of owners) {
      const known = this.crs.get(namespacedKey(owner));
      if (synced && !known) {
        this.counts.orphaned++;
        continue;
      }
      const uid = known?.uid ?? owner.uid;
      hints.push({
        cluster: this.cluster,
        namespace: owner.namespace,
        name: owner.name,
        cause: HintCause.Child,
        ...(uid ? { uid } : {}),
        ...(resourceVersion ? { resourceVersion } : {}),
      });
    }
    return hints;
  }
}

/** Identity of a scope: `Pod@ns`, or `Pod@*` across namespaces. */
export function scopeId(scope: Scope): string {
  return `${scope.kind}@${scope.namespace ?? "*"}`;
}

function track(kind: KindName, obj: KubeObject): Tracked {
  return {
    namespace: obj.metadata?.namespace ?? "",
    name: obj.metadata?.name ?? "",
    resourceVersion: obj.metadata?.resourceVersion,
    fingerprint: computeFingerprint(kind, obj),
    owners: computeOwnerTargets(kind, obj),
  };
}

function union(a: readonly OwnerTarget[] | undefined, b: readonly OwnerTarget[]): OwnerTarget[] {
  if (!a || a.length === 0) return [...b];
  const seen = new Set(b.map(namespacedKey));
  return [...b, ...a.filter((t) => !seen.has(namespacedKey(t)))];
}
