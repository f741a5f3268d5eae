/**
 * Reading kubeconfig YAML into named entries, and merging several files the way kubectl merges `$KUBECONFIG`.
 * Only the structure is checked here; the fields of the entry actually used are checked when it is resolved.
 */
import { dirname } from "node:path";
import { parse as parseYaml } from "yaml";
import { isRecord } from "./fields.ts";
import { KubeconfigError } from "./KubeconfigError.ts";

/** Where a kubeconfig came from, for messages and for resolving relative paths. */
export interface KubeconfigSource {
  /** How messages name it: `kubeconfig /home/me/.kube/config`, `kubeconfig secret arn:…`. */
  label: string;
  /** Folder relative paths in it are resolved against (the file's folder); the working directory when absent. */
  dir?: string;
}

/** One named cluster, user or context with the source that defined it. */
export interface KubeconfigEntry {
  fields: Record<string, unknown>;
  source: KubeconfigSource;
}

/** A kubeconfig reduced to what we use: three name → entry maps and the current context. */
export interface KubeconfigDoc {
  clusters: Map<string, KubeconfigEntry>;
  users: Map<string, KubeconfigEntry>;
  contexts: Map<string, KubeconfigEntry>;
  currentContext?: string;
  /** Every source merged in, in order. */
  sources: KubeconfigSource[];
}

const SECTIONS = [
  ["clusters", "cluster"],
  ["users", "user"],
  ["contexts", "context"],
] as const;

/** The source of a kubeconfig file at `path`. */
export function fileSource(path: string): KubeconfigSource {
  return { label: `kubeconfig ${path}`, dir: dirname(path) };
}

/**
 * Parses kubeconfig YAML. Syntax errors report only a line and column: the YAML library's own message quotes the
 * offending line, which may hold a token.
 */
export function parseKubeconfig(text: string, source: KubeconfigSource): KubeconfigDoc {
  let root: unknown;
  try {
    root = parseYaml(text);
  } catch (error) {
    const at = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new KubeconfigError(
      `${source.label}: not valid YAML${at ? ` (line ${at.line}, column ${at.col})` : ""}`,
    );
  }
  const doc: KubeconfigDoc = {
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    sources: [source],
  };
  if (root === null || root === undefined) return doc;
  if (!isRecord(root)) throw new KubeconfigError(`${source.label}: must be a YAML mapping (kind: Config)`);
  for (const [section, inner] of SECTIONS) {
    const list = root[section] ?? [];
    if (!Array.isArray(list)) throw new KubeconfigError(`${source.label}: ${section} must be a list`);
    list.forEach((item: unknown, index) => {
      const at = `${source.label}: ${section}[${index}]`;
      if (!isRecord(item) || typeof item.name !== "string" || item.name === "")
        throw new KubeconfigError(`${at}: needs a name`);
      const fields = item[inner] ?? {};
      if (!isRecord(fields)) throw new KubeconfigError(`${at}.${inner} must be a mapping`);
      // Within one file as across files, the first definition of a name wins.
      if (!doc[section].has(item.name)) doc[section].set(item.name, { fields, source });
    });
  }
  const current = root["current-context"];
  if (current !== undefined && current !== null && typeof current !== "string")
    throw new KubeconfigError(`${source.label}: current-context must be a string`);
  if (current) doc.currentContext = current;
  return doc;
}

/**
 * Merges kubeconfigs as kubectl merges the files of `$KUBECONFIG`: the first file to define a cluster, user or
 * context name wins it, and the first non-empty `current-context` wins. Each entry keeps its own file, so its
 * relative paths stay relative to that file.
 */
export function mergeKubeconfigs(docs: readonly KubeconfigDoc[]): KubeconfigDoc {
  const merged: KubeconfigDoc = { clusters: new Map(), users: new Map(), contexts: new Map(), sources: [] };
  for (const doc of docs) {
    for (const [section] of SECTIONS)
      for (const [name, entry] of doc[section])
        if (!merged[section].has(name)) merged[section].set(name, entry);
    merged.currentContext ??= doc.currentContext;
    merged.sources.push(...doc.sources);
  }
  return merged;
}
