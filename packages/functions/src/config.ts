/**
 * Environment of the functions, read in one place. The infra sets these per function; a missing or bad
 * one fails the first invocation with a message naming the variable and the rule.
 */
import { parseRegistrySource, type RegistrySource } from "@emqx-reconciler/adapters/aws";

/** The one error family of the functions package: configuration a handler cannot run without. */
export class FunctionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FunctionError";
  }
}

type Env = Record<string, string | undefined>;

/** A required variable. */
export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === "")
    throw new FunctionError(`${name}: required environment variable is not set`);
  return value;
}

/** A positive number, or `fallback` when unset. */
export function numberEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new FunctionError(`${name}: must be a positive number, got "${raw}"`);
  return value;
}

/** Settings every handler may read. */
export interface FunctionConfig {
  /** `REGISTRY_SOURCE`: `ssm:<parameter>` or `secretsmanager:<secret>`. */
  registry: RegistrySource;
  /** `REGISTRY_TTL_SECONDS`: how long a warm function reuses the registry. @default 60 */
  registryTtlMs: number;
  /**
   * `STATUS_CLUSTER_CONCURRENCY`: clusters worked at once by the status function, and by the reconcile function
   * within one batch. A refresh mostly waits on its cluster, so 1,000 clusters fit in one run only with many at
   * once. @default 32
   */
  clusterConcurrency: number;
  /**
   * `CLUSTER_DEADLINE_SECONDS`: longest wait for one cluster in one invocation (its status refresh, or its records
   * of a reconcile batch); past it that cluster's work fails alone and the others go on. Never more than the
   * invocation's own time left. @default 50
   */
  clusterDeadlineMs: number;
  /** `RECONCILE_GROUPS_PER_CLUSTER`: CRs of one cluster reconciled at once within one batch. @default 4 */
  groupsPerCluster: number;
}

/** Reads the settings shared by every handler. */
export function loadConfig(env: Env = process.env): FunctionConfig {
  return {
    registry: parseRegistrySource(requireEnv(env, "REGISTRY_SOURCE")),
    registryTtlMs: numberEnv(env, "REGISTRY_TTL_SECONDS", 60) * 1000,
    clusterConcurrency: numberEnv(env, "STATUS_CLUSTER_CONCURRENCY", 32),
    clusterDeadlineMs: numberEnv(env, "CLUSTER_DEADLINE_SECONDS", 50) * 1000,
    groupsPerCluster: numberEnv(env, "RECONCILE_GROUPS_PER_CLUSTER", 4),
  };
}
