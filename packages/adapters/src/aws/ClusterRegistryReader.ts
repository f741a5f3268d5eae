import { createHash } from "node:crypto";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { AwsError, AwsErrorKind, toAwsError } from "./errors.ts";
import { type ClusterEntry, type ClusterRegistry, parseClusterRegistry } from "./registrySchema.ts";

/** Where the registry JSON is: an SSM parameter (String or SecureString) or a Secrets Manager secret. */
export type RegistrySource = { kind: "ssm"; name: string } | { kind: "secretsmanager"; secretId: string };

/** `ssm:/emqx-reconciler/clusters` or `secretsmanager:<name or ARN>` → a {@link RegistrySource}. */
export function parseRegistrySource(text: string): RegistrySource {
  const at = text.indexOf(":");
  const scheme = text.slice(0, at);
  const rest = text.slice(at + 1);
  if (at > 0 && rest.length > 0 && scheme === "ssm") return { kind: "ssm", name: rest };
  if (at > 0 && rest.length > 0 && scheme === "secretsmanager")
    return { kind: "secretsmanager", secretId: rest };
  throw new AwsError(
    AwsErrorKind.InvalidRegistry,
    `Registry source "${text}" must be ssm:<parameter name> or secretsmanager:<secret id>.`,
  );
}

/** Options of {@link ClusterRegistryReader}. */
export interface ClusterRegistryReaderOptions {
  source: RegistrySource;
  ssm?: SSMClient;
  secretsManager?: SecretsManagerClient;
  /** How long a read is reused (a warm function re-reads after this). @default 60_000 */
  ttlMs?: number;
  /** @default Date.now */
  nowMs?: () => number;
}

/**
 * Reads and validates the cluster registry, caching it for `ttlMs` so a warm function makes one read a minute
 * whatever its traffic. A failed refresh keeps nothing stale: it throws, and the next call tries again.
 */
export class ClusterRegistryReader {
  private readonly options: ClusterRegistryReaderOptions;
  private cached: { at: number; registry: Promise<ClusterRegistry> } | undefined;

  constructor(options: ClusterRegistryReaderOptions) {
    this.options = options;
  }

  /** Every registered cluster. */
  async list(): Promise<ClusterEntry[]> {
    return (await this.read()).clusters;
  }

  /** One cluster by id, or `undefined` when it is not registered (a spoofed or stale hint). */
  async get(id: string): Promise<ClusterEntry | undefined> {
    return (await this.read()).clusters.find((c) => c.id === id);
  }

  /** Forgets the cached copy (tests; a caller that knows the registry changed). */
  invalidate(): void {
    this.cached = undefined;
  }

  private read(): Promise<ClusterRegistry> {
    const now = (this.options.nowMs ?? Date.now)();
    if (this.cached && now - this.cached.at < (this.options.ttlMs ?? 60_000)) return this.cached.registry;
    const registry = this.fetch();
    const entry = { at: now, registry };
    this.cached = entry;
    registry.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return registry;
  }

  private async fetch(): Promise<ClusterRegistry> {
    const { source } = this.options;
    if (source.kind === "ssm") {
      const where = `ssm:${source.name}`;
      const ssm = required(this.options.ssm, "an SSM client");
      const { GetParameterCommand } = await import("@aws-sdk/client-ssm");
      const out = await ssm
        .send(new GetParameterCommand({ Name: source.name, WithDecryption: true }))
        .catch((error: unknown) => Promise.reject(toAwsError(`Reading cluster registry ${where}`, error)));
      return parseClusterRegistry(out.Parameter?.Value ?? "", where);
    }
    const where = `secretsmanager:${source.secretId}`;
    const sm = required(this.options.secretsManager, "a Secrets Manager client");
    const { GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
    const out = await sm
      .send(new GetSecretValueCommand({ SecretId: source.secretId }))
      .catch((error: unknown) => Promise.reject(toAwsError(`Reading cluster registry ${where}`, error)));
    return parseClusterRegistry(out.SecretString ?? "", where);
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new AwsError(AwsErrorKind.InvalidRegistry, `The registry reader needs ${what}.`);
  return value;
}

/**
 * The clusters of shard `index` of `count`: a stable hash of the id picks the shard, so adding a cluster moves no
 * other cluster between forwarder windows.
 */
export function shardClusters<T extends { id: string }>(
  clusters: readonly T[],
  index: number,
  count: number,
): T[] {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count)
    throw new AwsError(AwsErrorKind.InvalidRegistry, `Shard ${index} of ${count} is not a valid shard.`);
  return clusters.filter((c) => createHash("sha256").update(c.id).digest().readUInt32BE(0) % count === index);
}
