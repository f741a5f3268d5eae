/** The cluster / namespace allow-list that every bus event naming a CR passes before anything talks to a cluster. */
import type { ClusterEntry } from "@emqx-reconciler/adapters/aws";
import { registry } from "./shared.ts";

/**
 * The registry entry of `cluster` when it is registered and serves `namespace` (an entry without `namespaces`
 * serves them all); `undefined` otherwise. One registry read, cached.
 */
export async function allowedEntry(cluster: string, namespace: string): Promise<ClusterEntry | undefined> {
  const entry = await (await registry()).get(cluster);
  if (!entry || (entry.namespaces && !entry.namespaces.includes(namespace))) return undefined;
  return entry;
}
