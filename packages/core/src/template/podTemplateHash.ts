import { createHash } from "node:crypto";
import { POD_TEMPLATE_HASH_LENGTH, RecentMemo } from "@emqx-reconciler/api";
import type { V1PodTemplateSpec } from "@kubernetes/client-node";
import { canonicalJson } from "./canonicalJson.ts";
import { semanticForm } from "./semanticForm.ts";

/** The alphabet of Kubernetes' `rand.SafeEncodeString` (no vowels, no look-alikes), which the operator's hashes use. */
const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/**
 * Names a pod template: `POD_TEMPLATE_HASH_LENGTH` characters of `[a-z0-9]`, the same for equal templates in every
 * run and process.
 *
 * Algorithm: SHA-256 of the canonical JSON (sorted keys) of the template's {@link semanticForm} — hash label
 * removed, apiserver defaults filled, quantities reduced — followed, when `collisionCount > 0`, by `"\n" +
 * collisionCount`; each of the first 10 digest bytes picks `ALPHABET[byte % 27]`. `node:crypto`'s `createHash` is
 * a deterministic pure function (no I/O, no randomness), so core stays pure.
 *
 * Differences from the operator, on purpose:
 * - the Go hash (FNV-32a over `spew` output) cannot be reproduced outside Go; the hash only *names* new sets,
 *   while "is a new set needed" is decided by `templatesDiffer`, so operator-made sets are adopted as they are;
 * - we hash the finished template, dashboard ports and environment included (the operator hashes it before adding
 *   them), so a template change always yields a new name and a dashboard-port change needs no `collisionCount`
 *   round trip;
 * - hashing the semantic form makes the hash of a live set (as the apiserver returns it) equal to the hash of the
 *   template we built for it;
 * - a `collisionCount` of 0 hashes like none (the operator never stores 0 without incrementing it).
 *
 * @example
 * podTemplateHash(coreSet.spec.template) // "q4k2d9xbzm"
 */
export function podTemplateHash(template: V1PodTemplateSpec, collisionCount?: number): string {
  // Equal JSON is an equal template, so an equal hash; the JSON costs a fraction of the semantic form.
  const key = `${collisionCount ?? 0}\n${JSON.stringify(template)}`;
  return recentHashes.get(key, () => computeHash(template, collisionCount));
}

/**
 * Every pass hashes the templates of both roles, built and live (four per CR), mostly the same as the pass before.
 * Room for 128 CRs reconciled in turn: with 64 entries, fifty CRs at once evicted each other's hashes and every pass
 * recomputed all four.
 */
const recentHashes = new RecentMemo<string>(512);

function computeHash(template: V1PodTemplateSpec, collisionCount: number | undefined): string {
  const hash = createHash("sha256").update(canonicalJson(semanticForm(template)));
  if (collisionCount !== undefined && collisionCount > 0) hash.update(`\n${collisionCount}`);
  const digest = hash.digest();
  let out = "";
  for (let i = 0; i < POD_TEMPLATE_HASH_LENGTH; i++) out += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return out;
}
