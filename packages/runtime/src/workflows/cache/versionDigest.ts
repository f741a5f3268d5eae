/**
 * An order-independent digest of a set of object versions, `(uid, resourceVersion)` pairs: the XOR of a 128-bit
 * hash of each pair, with the set's size. The forwarder keeps one per CR and owned kind, updated in O(1) per watch
 * event, and puts it in every hint; the reconcile function computes the same digest over a list it remembers.
 * Equal digests mean equal sets (up to a 2^-128 collision), and since a stored object never changes under one
 * resourceVersion, equal sets mean the same objects.
 */
import { createHash } from "node:crypto";
import type { KubeObject } from "@emqx-reconciler/adapters";

/** The 128-bit hash of one object version, as four 32-bit words. */
export type VersionHash = Readonly<Uint32Array>;

/** The hash of object `uid` at `resourceVersion`. */
export function versionHash(uid: string, resourceVersion: string): VersionHash {
  const bytes = createHash("sha1").update(`${uid}\u0000${resourceVersion}`).digest();
  return new Uint32Array([
    bytes.readUInt32LE(0),
    bytes.readUInt32LE(4),
    bytes.readUInt32LE(8),
    bytes.readUInt32LE(12),
  ]);
}

/** The hash of `obj`'s version, or `undefined` when it lacks a uid or a resourceVersion (it cannot be digested). */
export function objectVersionHash(obj: KubeObject): VersionHash | undefined {
  const uid = obj.metadata?.uid;
  const resourceVersion = obj.metadata?.resourceVersion;
  return uid && resourceVersion ? versionHash(uid, resourceVersion) : undefined;
}

/** A running digest: add and remove one version at a time, in any order. */
export class VersionDigest {
  private readonly words = new Uint32Array(4);
  private size = 0;

  /** Adds a version that is not in the set. */
  add(hash: VersionHash): void {
    this.xor(hash);
    this.size++;
  }

  /** Removes a version that is in the set. */
  remove(hash: VersionHash): void {
    this.xor(hash);
    this.size--;
  }

  /** `<size>.<hex>`: what hints carry. */
  toString(): string {
    return `${this.size}.${[...this.words].map((w) => w.toString(16).padStart(8, "0")).join("")}`;
  }

  private xor(hash: VersionHash): void {
    for (let i = 0; i < 4; i++) this.words[i] = (this.words[i] ?? 0) ^ (hash[i] ?? 0);
  }
}

/** The digest of the empty set: a CR with no child of that kind. */
export const EMPTY_DIGEST = new VersionDigest().toString();

/** The digest of `objects`' versions, or `undefined` when one of them lacks a uid or a resourceVersion. */
export function digestOf(objects: Iterable<KubeObject>): string | undefined {
  const digest = new VersionDigest();
  for (const obj of objects) {
    const hash = objectVersionHash(obj);
    if (!hash) return undefined;
    digest.add(hash);
  }
  return digest.toString();
}
