import { type KubeObject, OWNED_KINDS, type OwnedKind, type WatchEvent } from "@emqx-reconciler/adapters";
import { crIn, listingCr } from "../cache/childMembership.ts";
import { EMPTY_DIGEST, objectVersionHash, VersionDigest, type VersionHash } from "../cache/versionDigest.ts";
import { type Scope, scopeId } from "./ObjectTracker.ts";

interface Member {
  cr: string;
  hash: VersionHash;
}

const OWNED: ReadonlySet<string> = new Set(OWNED_KINDS);

/**
 * Per CR and owned kind, the digest of the `(uid, resourceVersion)` set of the CR's children of that kind as the
 * forwarder's lists and watch events show them, updated in O(1) per event (see `versionDigest.ts`). Every event
 * counts, including the ones that give no hint (an unchanged fingerprint, the echo of our own write): the digest
 * follows resourceVersions, not relevance. A kind has a digest only while its scope is listed, so a digest never
 * describes a partial view.
 */
export class ChildDigests {
  /** Per scope, the member objects by uid. */
  private readonly members = new Map<string, Map<string, Member>>();
  /** Per `kind@namespace/name`, the running digest. */
  private readonly digests = new Map<string, VersionDigest>();
  private readonly listed = new Set<string>();

  /** Whether `kind` is digested (an owned kind; the CRs and optional kinds are not). */
  static tracks(kind: string): kind is OwnedKind {
    return OWNED.has(kind);
  }

  /** A list of `scope` replaces everything known of it. */
  applyList(scope: Scope, items: readonly KubeObject[]): void {
    this.dropScope(scope);
    this.listed.add(scopeId(scope));
    for (const obj of items) this.put(scope, obj);
  }

  /** One watch event of `scope`: the object's old version leaves, its new one (unless deleted) enters. */
  applyEvent(scope: Scope, event: WatchEvent): void {
    const uid = event.object.metadata?.uid;
    if (event.type === "BOOKMARK" || !uid) return;
    this.take(scope, uid);
    if (event.type !== "DELETED") this.put(scope, event.object);
  }

  /** A scope that cannot be watched any more (forbidden) has no digest until it is listed again. */
  dropScope(scope: Scope): void {
    const id = scopeId(scope);
    this.listed.delete(id);
    for (const uid of [...(this.members.get(id)?.keys() ?? [])]) this.take(scope, uid);
    this.members.delete(id);
  }

  /** The digest per owned kind of CR `namespace/name`, for the kinds whose scope is listed; none when none is. */
  digestsFor(namespace: string, name: string): Record<string, string> | undefined {
    const cr = crIn(namespace, name);
    const out: Record<string, string> = {};
    let any = false;
    for (const kind of OWNED_KINDS) {
      const covered =
        this.listed.has(scopeId({ kind, namespace })) ||
        this.listed.has(scopeId({ kind, namespace: undefined }));
      if (!covered) continue;
      out[kind] = this.digests.get(`${kind}@${cr}`)?.toString() ?? EMPTY_DIGEST;
      any = true;
    }
    return any ? out : undefined;
  }

  private put(scope: Scope, obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    const cr = listingCr(obj);
    const hash = objectVersionHash(obj);
    if (!uid || !cr || !hash) return;
    const id = scopeId(scope);
    const members = this.members.get(id) ?? new Map<string, Member>();
    this.members.set(id, members);
    members.set(uid, { cr, hash });
    const key = `${scope.kind}@${cr}`;
    const digest = this.digests.get(key) ?? new VersionDigest();
    this.digests.set(key, digest);
    digest.add(hash);
  }

  private take(scope: Scope, uid: string): void {
    const members = this.members.get(scopeId(scope));
    const member = members?.get(uid);
    if (!member) return;
    members?.delete(uid);
    const key = `${scope.kind}@${member.cr}`;
    const digest = this.digests.get(key);
    digest?.remove(member.hash);
    if (digest?.toString() === EMPTY_DIGEST) this.digests.delete(key);
  }
}
