/**
 * `validateEmqx`: the schema, the CRD's defaults and the reconciler's stricter rules in one call, with issues that
 * name the field (`spec.coreTemplate.spec.replicas`) and the rule.
 */
import type * as z from "zod";
import { type Emqx, EmqxSchema } from "./emqx/emqx.ts";
import { ANNOTATION_ALLOW_ZERO_CORES } from "./labels.ts";
import { checkEmqxName } from "./nameRules.ts";
import { RecentMemo } from "./recentMemo.ts";

/** Limits the operator does not have; configurable because they are policy, not Kubernetes rules. */
export interface Limits {
  /** Largest `replicas` of either template. */
  maxReplicas: number;
  /** Largest `spec.config.data`, in UTF-8 bytes. */
  maxConfigBytes: number;
}

/**
 * The largest `config.data` that fits everywhere it is stored. It is copied whole into one place only: the
 * `<name>-configs` ConfigMap, whose `data` Kubernetes caps at 1 MiB (keys and values together), behind a 140-byte
 * listener header. The CR itself may be larger (etcd takes objects up to 1.5 MiB), and the CR's
 * `last-emqx-configuration` annotation holds a digest, not the text, so the 256 KiB cap on annotations does not
 * apply. 1 MiB less 1 KiB leaves room for the header and the key.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024 - 1024;

/** Limits used for every field not given to `validateEmqx`. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxReplicas: 100,
  maxConfigBytes: MAX_CONFIG_BYTES,
});

/** One reason an EMQX object was rejected. */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `spec.bootstrapAPIKeys[0].key`; empty for the whole object. */
  path: string;
  message: string;
}

/** The defaulted object, or every issue found; never both. */
export type ValidateEmqxResult = { ok: true; emqx: Emqx } | { ok: false; issues: ValidationIssue[] };

/** `["spec", "bootstrapAPIKeys", 0, "key"]` → `spec.bootstrapAPIKeys[0].key`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    return out === "" ? String(key) : `${out}.${String(key)}`;
  }, "");
}

/** Missing required fields read "required field is missing" instead of zod's type message. */
function errorMessage(issue: z.core.$ZodRawIssue): string | undefined {
  return issue.code === "invalid_type" && issue.input === undefined ? "required field is missing" : undefined;
}

function field(value: unknown, ...keys: string[]): unknown {
  let at = value;
  for (const key of keys) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Rules that depend on `limits`, read from the parsed object or, if parsing failed, from the raw input. */
function limitIssues(object: unknown, limits: Limits): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const name = field(object, "metadata", "name");
  if (typeof name === "string" && name !== "") {
    for (const message of checkEmqxName(name, limits.maxReplicas))
      issues.push({ path: "metadata.name", message });
  }
  for (const template of ["coreTemplate", "replicantTemplate"]) {
    const replicas = field(object, "spec", template, "spec", "replicas");
    if (typeof replicas === "number" && replicas > limits.maxReplicas) {
      issues.push({
        path: `spec.${template}.spec.replicas`,
        message: `replicas must be at most ${limits.maxReplicas} (the reconciler's maxReplicas limit)`,
      });
    }
  }
  issues.push(...zeroCoreIssues(object));
  const data = field(object, "spec", "config", "data");
  if (typeof data === "string") {
    const bytes = Buffer.byteLength(data, "utf8");
    if (bytes > limits.maxConfigBytes) {
      issues.push({
        path: "spec.config.data",
        message: `config.data has ${bytes} bytes, more than the limit of ${limits.maxConfigBytes} bytes (it is stored in a ConfigMap, which holds at most 1 MiB)`,
      });
    }
  }
  return issues;
}

/**
 * An EMQX cluster needs at least one core node: `coreTemplate.spec.replicas: 0` would stop every core (and every
 * replicant with them), so it is refused unless the CR carries `apps.emqx.io/allow-zero-cores: "true"`, which says
 * the pause is deliberate.
 */
function zeroCoreIssues(object: unknown): ValidationIssue[] {
  if (field(object, "spec", "coreTemplate", "spec", "replicas") !== 0) return [];
  if (field(object, "metadata", "annotations", ANNOTATION_ALLOW_ZERO_CORES) === "true") return [];
  return [
    {
      path: "spec.coreTemplate.spec.replicas",
      message: `replicas must be at least 1: an EMQX cluster needs a core node (annotate the CR with ${ANNOTATION_ALLOW_ZERO_CORES}: "true" to stop every core on purpose)`,
    },
  ];
}

/**
 * Validates an EMQX object and applies the CRD's defaults. Never throws; every problem found is returned.
 *
 * @example
 * const result = validateEmqx(yaml.parse(text), { maxReplicas: 20 });
 * if (!result.ok) for (const i of result.issues) console.error(`${i.path}: ${i.message}`);
 */
export function validateEmqx(input: unknown, limits: Partial<Limits> = {}): ValidateEmqxResult {
  const effective: Limits = { ...DEFAULT_LIMITS, ...limits };
  const metadata = apiserverMetadata(input);
  if (!metadata) return validateOnce(input, effective);
  const key = JSON.stringify([effective, input], function skipApiserverFields(name, value) {
    return this === metadata && APISERVER_FIELDS.includes(name) ? undefined : value;
  });
  if (key.length > MEMO_MAX_CHARS) return validateOnce(input, effective);
  const result = recentResults.get(key, () => deepFreeze(validateOnce(input, effective)));
  if (!result.ok) return result;
  const own = { ...result.emqx.metadata };
  for (const name of APISERVER_FIELDS) {
    if (metadata[name] === undefined) delete own[name];
    else own[name] = metadata[name];
  }
  return { ok: true, emqx: { ...result.emqx, metadata: own as Emqx["metadata"] } };
}

/**
 * Recent results by input (and limits): every pass validates its CR, and between two changes of its spec, labels or
 * annotations only the fields the apiserver writes on every status update differ. Those ({@link APISERVER_FIELDS})
 * are left out of the key and copied from the input into the result. Results are frozen, so a caller that changed
 * one would fail at once instead of changing the next pass's CR. Inputs over 64 KiB of JSON are validated each time.
 */
const recentResults = new RecentMemo<ValidateEmqxResult>(128);
const MEMO_MAX_CHARS = 64 * 1024;
const APISERVER_FIELDS: readonly string[] = ["resourceVersion", "managedFields"];

/** The input's metadata when its apiserver-written fields have the shapes the schema wants, else `undefined`. */
function apiserverMetadata(input: unknown): Record<string, unknown> | undefined {
  const metadata = field(input, "metadata");
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const { resourceVersion, managedFields } = metadata as Record<string, unknown>;
  if (resourceVersion !== undefined && typeof resourceVersion !== "string") return undefined;
  if (managedFields === undefined) return metadata as Record<string, unknown>;
  const entries =
    Array.isArray(managedFields) && managedFields.every((e) => typeof e === "object" && e !== null);
  return entries ? (metadata as Record<string, unknown>) : undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function validateOnce(input: unknown, effective: Limits): ValidateEmqxResult {
  const parsed = EmqxSchema.safeParse(input, { error: errorMessage });
  const issues: ValidationIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const seen = new Set(issues.map((i) => i.path));
  for (const issue of limitIssues(parsed.success ? parsed.data : input, effective)) {
    if (!seen.has(issue.path) || issue.path === "metadata.name") issues.push(issue);
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, emqx: parsed.data };
}
