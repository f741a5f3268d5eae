/**
 * What `plan -f` shows: the children a reconcile creates for one CR read from a file, built offline by the same
 * pure builders the reconcile uses, with every value that is random at creation replaced by a fixed placeholder so
 * the output is the same on every run.
 */
import { type Emqx, KIND, validateEmqx } from "@emqx-reconciler/api";
import {
  buildAllChildren,
  ChildBuildError,
  HoconError,
  hasReplicants,
  readConfig,
  type SecretRefValues,
} from "@emqx-reconciler/core";
import type { KubernetesObject } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";

/** Stands in for the API-key password and the node cookie, which are random and made only at creation. */
export const GENERATED_PLACEHOLDER = "<generated at creation>";

/** The children in the order `plan -f` prints them, or the one-line problems that stop it. */
export type OfflinePlanResult =
  | { ok: true; children: KubernetesObject[] }
  | { ok: false; problems: string[] };

function defined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** Reads exactly one YAML document of kind EMQX; anything else is a problem naming what was found. */
function readEmqxDocument(text: string): { ok: true; doc: unknown } | { ok: false; problems: string[] } {
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null || d.errors.length > 0);
  const errors = docs.flatMap((d) => d.errors);
  if (errors.length > 0) {
    return {
      ok: false,
      problems: errors.map((e) => {
        const at = e.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}: ` : "";
        const message = (e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
        return `invalid YAML: ${where}${message}`;
      }),
    };
  }
  if (docs.length !== 1)
    return { ok: false, problems: [`expected one YAML document (an EMQX), found ${docs.length}`] };
  const doc: unknown = docs[0]?.toJS();
  const kind = typeof doc === "object" && doc !== null ? (doc as { kind?: unknown }).kind : undefined;
  if (kind !== KIND) {
    const found = typeof kind === "string" ? `kind ${kind}` : "no kind";
    return { ok: false, problems: [`expected kind ${KIND} (apps.emqx.io/v2beta1), found ${found}`] };
  }
  return { ok: true, doc };
}

/**
 * Placeholders for `bootstrapAPIKeys[].secretRef` targets: offline there is no cluster to read them from, so the
 * bootstrap Secret shows where each value will come from instead.
 */
function referencedPlaceholders(emqx: Emqx): SecretRefValues {
  const values: Record<string, Record<string, string>> = {};
  for (const entry of emqx.spec.bootstrapAPIKeys ?? []) {
    for (const ref of entry.secretRef ? [entry.secretRef.key, entry.secretRef.secret] : []) {
      values[ref.secretName] ??= {};
      (values[ref.secretName] as Record<string, string>)[ref.secretKey] =
        `<from Secret ${ref.secretName}, key ${ref.secretKey}>`;
    }
  }
  return values;
}

/**
 * Every child of the converged CR: both Secrets, the ConfigMap, the headless Service, the core StatefulSet, the
 * replicant ReplicaSet, the PDBs, the dashboard and listeners Services. A real first pass holds the replicants and
 * the dashboard/listeners Services back until the cores are ready; this is the set they all converge to (so the
 * listeners Service selects replicants when there are any, and ports come from the CR's own `config.data`).
 */
export function buildSteadyStateChildren(emqx: Emqx): KubernetesObject[] {
  const all = buildAllChildren(emqx, {
    password: GENERATED_PLACEHOLDER,
    cookie: GENERATED_PLACEHOLDER,
    refValues: referencedPlaceholders(emqx),
    useReplicantSelector: hasReplicants(emqx),
  });
  return [
    all.bootstrap,
    all.cookie,
    all.configMap,
    all.headless,
    all.core,
    all.replicant,
    all.corePdb,
    all.replicantPdb,
    all.dashboard,
    all.listeners,
  ].filter(defined);
}

/**
 * Parses, validates (schema, defaults, the reconciler's stricter rules, HOCON of `config.data`) and builds.
 * Never throws for bad input: each problem is one line naming the field or the line and the rule.
 *
 * @example const r = planFromYaml(readFileSync("cr.yaml", "utf8")); if (!r.ok) r.problems.forEach(console.error);
 */
export function planFromYaml(text: string): OfflinePlanResult {
  const read = readEmqxDocument(text);
  if (!read.ok) return read;
  const valid = validateEmqx(read.doc);
  if (!valid.ok)
    return { ok: false, problems: valid.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)) };
  const config = readConfig(valid.emqx.spec.config?.data ?? "", { source: "config.data" });
  if (!config.ok) return { ok: false, problems: [config.error.message] };
  try {
    return { ok: true, children: buildSteadyStateChildren(valid.emqx) };
  } catch (error) {
    if (error instanceof ChildBuildError || error instanceof HoconError)
      return { ok: false, problems: [error.message] };
    throw error;
  }
}
