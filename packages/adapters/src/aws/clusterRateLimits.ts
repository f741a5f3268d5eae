import { createTokenBucket, type TokenBucket } from "../kube/tokenBucket.ts";
import type { ClusterEntry } from "./registrySchema.ts";

/**
 * One request-rate bucket per registered cluster (the registry entry's `rateLimit`), shared by every client of that
 * cluster in this process: the gateways kept across invocations, the scale clients of the status and scale
 * functions, a gateway rebuilt after a registry change. A bucket is replaced only when the cluster's `qps` or `burst` changes.
 *
 * A bucket caps one process. A Lambda function has one per warm container, so the cap a cluster's apiserver sees is
 * `qps` times the containers working on it at once (see docs/deploy.md, "Per-cluster request rate").
 */
export class ClusterRateLimits {
  private readonly buckets = new Map<string, { qps: number; burst: number; bucket: TokenBucket }>();
  private readonly now: (() => number) | undefined;

  /** `now` in milliseconds, for tests. @default monotonicMs */
  constructor(now?: () => number) {
    this.now = now;
  }

  /** The bucket of `entry`'s cluster. */
  bucketFor(entry: Pick<ClusterEntry, "id" | "rateLimit">): TokenBucket {
    const { qps, burst } = entry.rateLimit;
    const known = this.buckets.get(entry.id);
    if (known && known.qps === qps && known.burst === burst) return known.bucket;
    const bucket = this.now ? createTokenBucket(qps, burst, this.now) : createTokenBucket(qps, burst);
    this.buckets.set(entry.id, { qps, burst, bucket });
    return bucket;
  }
}

/** The buckets of this process, used by {@link clusterConnection} unless it is given others. */
export const processRateLimits = new ClusterRateLimits();
