/** The loaders: a kubeconfig file, kubectl's default places, kubeconfig text, or a bare endpoint. */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { type InClusterOptions, inClusterTarget } from "./inCluster.ts";
import { KubeconfigError } from "./KubeconfigError.ts";
import type { KubeTarget } from "./KubeTarget.ts";
import {
  fileSource,
  type KubeconfigDoc,
  type KubeconfigSource,
  mergeKubeconfigs,
  parseKubeconfig,
} from "./parse.ts";
import { type ResolveOptions, resolveTarget } from "./resolve.ts";
import type { ReadUserOptions } from "./user.ts";

/** Reads and parses one kubeconfig file (not yet resolved to a context). */
export function readKubeconfigFile(path: string): KubeconfigDoc {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new KubeconfigError(`kubeconfig ${full}: cannot read (${code})`, { cause: error });
  }
  return parseKubeconfig(text, fileSource(full));
}

/**
 * Loads a kubeconfig file and resolves `context` (default: its current-context). An unknown context is an
 * error naming it and the known ones.
 *
 * @example const target = loadKubeconfigFile("/home/me/.kube/config", "kind-dev");
 */
export function loadKubeconfigFile(
  path: string,
  context?: string,
  options: ReadUserOptions = {},
): KubeTarget {
  return resolveTarget(readKubeconfigFile(path), { ...options, context });
}

/** Loads kubeconfig text that is not a file (a kubeconfig kept in a secret); `source` names it in errors. */
export function loadKubeconfigText(
  text: string,
  source: KubeconfigSource,
  options: ResolveOptions = {},
): KubeTarget {
  return resolveTarget(parseKubeconfig(text, source), options);
}

/** Where {@link loadDefaultKubeconfig} looks; each defaults to this process's. */
export interface DefaultKubeconfigOptions extends ReadUserOptions, Pick<InClusterOptions, "env"> {
  /** Home folder holding `.kube/config`. @default os.homedir() */
  home?: string;
  /** The service account folder. @default /var/run/secrets/kubernetes.io/serviceaccount */
  serviceAccountDir?: string;
}

/**
 * Loads the kubeconfig the way kubectl does: the files of `$KUBECONFIG` (colon-separated, missing ones skipped,
 * merged with the first definition of each name winning), else `~/.kube/config`; when those define nothing and
 * no context was asked for, the in-cluster service account.
 */
export function loadDefaultKubeconfig(context?: string, options: DefaultKubeconfigOptions = {}): KubeTarget {
  const env = options.env ?? process.env;
  const listed = env.KUBECONFIG
    ? env.KUBECONFIG.split(delimiter).filter((p) => p !== "")
    : [join(options.home ?? homedir(), ".kube", "config")];
  const files = [...new Set(listed.map((p) => resolve(p)))].filter((p) => existsSync(p));
  const doc = mergeKubeconfigs(files.map(readKubeconfigFile));
  if (doc.contexts.size > 0 || doc.currentContext !== undefined)
    return resolveTarget(doc, { ...options, context });
  if (context === undefined) {
    const inCluster = inClusterTarget({ env, dir: options.serviceAccountDir, now: options.now });
    if (inCluster) return inCluster;
  }
  const where = env.KUBECONFIG ? `$KUBECONFIG (${listed.join(", ")})` : (listed[0] ?? "~/.kube/config");
  throw new KubeconfigError(
    `No kubeconfig found: ${where} ${files.length > 0 ? "defines no context" : "does not exist"}` +
      (context === undefined
        ? ", and this is not a pod with a service account"
        : `, so context "${context}" is unknown`),
  );
}
