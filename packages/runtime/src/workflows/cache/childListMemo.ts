/**
 * What a warm reconcile container remembers of the children lists it made: per CR (LRU, bounded) and owned kind,
 * the last list's objects, compact, updated by the results of its own writes. A hint's digest of a kind
 * (`Hint.childDigests`) decides whether the remembered list may stand in for a new one: see {@link ChildListMemo}.
 */
import type { KubeObject, OwnedKind } from "@emqx-reconciler/adapters";
import { compactObject } from "./compact.ts";
import { isNewerVersion } from "./objectCache.ts";
import { digestOf, EMPTY_DIGEST } from "./versionDigest.ts";

/** Options of {@link ChildListMemo}. */
export interface ChildListMemoOptions {
  /**
   * CRs remembered at most; the least recently used goes first (about 110 KiB each for the seed example's 16
   * children). @default 128
   */
  maxCrs?: number;
  /** A kind's list older than this (since the list, or the empty hint, it started from) is listed again. @default 300_000 */
  maxAgeMs?: number;
  /** Milliseconds clock. @default Date.now */
  now?: () => number;
}

/** Counters of a memo. */
export interface ChildListMemoStats {
  /** CRs remembered now. */
  crs: number;
  /** Kinds served from the memo. */
  hits: number;
  /** Kinds the caller had to list: no digest, no list remembered, a different digest, or too old. */
  misses: number;
  /** CRs dropped to stay within `maxCrs`, or because every list of theirs was too old to serve. */
  evicted: number;
}

interface KindList {
  /** Compact objects by uid. */
  objects: Map<string, KubeObject>;
  /** When the list (or the empty hint) this started from was taken. */
  since: number;
}

/** The bounds of a memo when its options leave them out. */
export const CHILD_LIST_MEMO_DEFAULTS = { maxCrs: 128, maxAgeMs: 300_000 } as const;

/**
 * The remembered lists; `cr` keys are `namespace/name` within one cluster (one memo per cluster gateway).
 *
 * A kind is served from the memo only when the hint's digest of it equals the digest of the remembered objects.
 * Equal digests mean the same `(uid, resourceVersion)` set, and an object never changes under one
 * resourceVersion, so the pass then reads exactly the children the forwarder's watch held when it sent the hint:
 * a read from a watch cache as current as that watch, the guarantee the embedded reconciler's cache gives. The
 * memo's upkeep therefore needs no precision: an update it missed, a write whose outcome it did not see, a
 * deletion still in progress, all only make digests differ, which costs a list, never a stale read. A kind the
 * forwarder saw no child of (the empty digest) needs no list either.
 */
export class ChildListMemo {
  private readonly crs = new Map<string, Map<OwnedKind, KindList>>();
  private readonly maxCrs: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly counts = { hits: 0, misses: 0, evicted: 0 };

  constructor(options: ChildListMemoOptions = {}) {
    this.maxCrs = options.maxCrs ?? CHILD_LIST_MEMO_DEFAULTS.maxCrs;
    this.maxAgeMs = options.maxAgeMs ?? CHILD_LIST_MEMO_DEFAULTS.maxAgeMs;
    this.now = options.now ?? Date.now;
  }

  /**
   * The children of `cr` of `kind` to use instead of a list, or `undefined` to list: served only when `digest`
   * (the hint's) equals the remembered list's, or is the empty digest; never when that list is older than
   * `maxAgeMs`.
   */
  lookup(cr: string, kind: OwnedKind, digest: string | undefined): KubeObject[] | undefined {
    const served = digest === undefined ? undefined : this.serve(cr, kind, digest);
    if (served) this.counts.hits++;
    else this.counts.misses++;
    return served;
  }

  /** Remembers the result of a list of `cr`'s children of `kind`, replacing what was remembered. */
  remember(cr: string, kind: OwnedKind, items: readonly KubeObject[]): void {
    const objects = new Map<string, KubeObject>();
    for (const obj of items) {
      const uid = obj.metadata?.uid;
      if (uid) objects.set(uid, compactObject(kind, obj));
    }
    this.kinds(cr).set(kind, { objects, since: this.now() });
  }

  /** Takes in the stored object a write of `cr`'s child returned (a newer version only). */
  noteWritten(cr: string, kind: OwnedKind, obj: KubeObject): void {
    const list = this.crs.get(cr)?.get(kind);
    const uid = obj.metadata?.uid;
    if (!list || !uid) return;
    const held = list.objects.get(uid);
    if (held && !isNewerVersion(obj.metadata?.resourceVersion, held.metadata?.resourceVersion)) return;
    list.objects.set(uid, compactObject(kind, obj));
  }

  /** Forgets `cr`'s list of `kind` (a write whose outcome the memo cannot follow, such as a graceful delete). */
  forget(cr: string, kind: OwnedKind): void {
    this.crs.get(cr)?.delete(kind);
  }

  /** How many kinds were served and listed, and how many CRs are remembered and were dropped. */
  stats(): ChildListMemoStats {
    return { crs: this.crs.size, ...this.counts };
  }

  private serve(cr: string, kind: OwnedKind, digest: string): KubeObject[] | undefined {
    const list = this.crs.get(cr)?.get(kind);
    if (list && this.now() - list.since > this.maxAgeMs) {
      this.forget(cr, kind);
      return undefined;
    }
    if (!list) {
      if (digest !== EMPTY_DIGEST) return undefined;
      this.kinds(cr).set(kind, { objects: new Map(), since: this.now() });
      return [];
    }
    if (digestOf(list.objects.values()) !== digest) return undefined;
    this.kinds(cr);
    return [...list.objects.values()];
  }

  /**
   * `cr`'s lists, made the most recently used (created if absent). The least recently used CRs go while there are
   * more than `maxCrs`, or while none of their lists could still be served.
   */
  private kinds(cr: string): Map<OwnedKind, KindList> {
    const kinds = this.crs.get(cr) ?? new Map<OwnedKind, KindList>();
    this.crs.delete(cr);
    this.crs.set(cr, kinds);
    for (const [oldest, lists] of this.crs) {
      if (oldest === cr || (this.crs.size <= this.maxCrs && this.servable(lists))) break;
      this.crs.delete(oldest);
      this.counts.evicted++;
    }
    return kinds;
  }

  private servable(lists: Map<OwnedKind, KindList>): boolean {
    const now = this.now();
    for (const list of lists.values()) if (now - list.since <= this.maxAgeMs) return true;
    return false;
  }
}
