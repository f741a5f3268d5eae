/** Turning a (merged) kubeconfig and a context name into a {@link KubeTarget}. */
import { readCluster } from "./cluster.ts";
import { entryReader, optionalString } from "./fields.ts";
import { KubeconfigError } from "./KubeconfigError.ts";
import { anonymousAuth, type KubeTarget } from "./KubeTarget.ts";
import type { KubeconfigDoc } from "./parse.ts";
import { type ReadUserOptions, readUser } from "./user.ts";

/** Options of {@link resolveTarget} and of the loaders. */
export interface ResolveOptions extends ReadUserOptions {
  /** The context to use. @default the kubeconfig's current-context */
  context?: string;
}

/** How messages name a whole kubeconfig (one file, or the files of `$KUBECONFIG`). */
export function describeDoc(doc: KubeconfigDoc): string {
  return doc.sources.map((s) => s.label).join(" + ") || "kubeconfig";
}

/**
 * Resolves the asked (or current) context to its cluster and user and checks only those entries, as kubectl
 * does: a broken entry that is not used does not stop anyone.
 */
export function resolveTarget(doc: KubeconfigDoc, options: ResolveOptions = {}): KubeTarget {
  const label = describeDoc(doc);
  const known = () => [...doc.contexts.keys()].join(", ") || "none";
  const name = options.context ?? doc.currentContext;
  if (name === undefined)
    throw new KubeconfigError(`${label}: no current-context; name a context (known: ${known()})`);
  const entry = doc.contexts.get(name);
  if (!entry) throw new KubeconfigError(`${label}: context "${name}" not found (known: ${known()})`);
  const context = entryReader("contexts", name, entry);
  const clusterName = optionalString(context, "cluster");
  if (clusterName === undefined) throw new KubeconfigError(`${context.where}.cluster: is required`);
  const clusterEntry = doc.clusters.get(clusterName);
  if (!clusterEntry)
    throw new KubeconfigError(
      `${context.where}.cluster: names cluster "${clusterName}", which is not defined`,
    );
  const cluster = readCluster(entryReader("clusters", clusterName, clusterEntry));
  const userName = optionalString(context, "user");
  const userEntry = userName === undefined ? undefined : doc.users.get(userName);
  if (userName !== undefined && !userEntry)
    throw new KubeconfigError(`${context.where}.user: names user "${userName}", which is not defined`);
  const user = userEntry
    ? readUser(entryReader("users", userName ?? "", userEntry), cluster, options)
    : { tls: {}, auth: anonymousAuth };
  const namespace = optionalString(context, "namespace");
  return {
    name,
    server: cluster.server,
    tls: { ...cluster.tls, ...user.tls },
    auth: user.auth,
    ...(namespace !== undefined ? { namespace } : {}),
  };
}
