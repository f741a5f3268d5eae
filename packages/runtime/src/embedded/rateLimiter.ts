/**
 * Retry delays with client-go's `DefaultTypedControllerRateLimiter` semantics: the
 * larger of a per-key exponential backoff (5 ms · 2^failures, capped at 1000 s) and a shared token bucket
 * (10 qps, burst 100), so one hot key backs off alone while a storm of failures is also throttled overall.
 */

import { createTokenBucket } from "@emqx-reconciler/adapters";
import { monotonicMs } from "@emqx-reconciler/api";

export interface RateLimiterOptions {
  /** First per-key retry delay (client-go: 5 ms). */
  backoffBaseMs?: number;
  /** Cap of the per-key delay (client-go: 1000 s). */
  backoffMaxMs?: number;
  /** Tokens per second of the shared bucket (client-go: 10). */
  qps?: number;
  /** Bucket size (client-go: 100). */
  burst?: number;
  /** Milliseconds clock; monotonic by default. */
  now?: () => number;
}

export interface RateLimiter {
  /** Delay before the next retry of `key`; counts one more failure for it and takes one token. */
  when(key: string): number;
  /** Clears the failure count of `key` (after a success). */
  forget(key: string): void;
  /** Failures counted for `key` since it was last forgotten. */
  failures(key: string): number;
}

/** client-go's numbers, exported so the runtime and the docs quote one source. */
export const CLIENT_GO_RATE_LIMITS = {
  backoffBaseMs: 5,
  backoffMaxMs: 1_000_000,
  qps: 10,
  burst: 100,
} as const;

/** Creates the combined limiter; every option defaults to client-go's value. */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const base = options.backoffBaseMs ?? CLIENT_GO_RATE_LIMITS.backoffBaseMs;
  const max = options.backoffMaxMs ?? CLIENT_GO_RATE_LIMITS.backoffMaxMs;
  const now = options.now ?? monotonicMs;
  const bucket = createTokenBucket(
    options.qps ?? CLIENT_GO_RATE_LIMITS.qps,
    options.burst ?? CLIENT_GO_RATE_LIMITS.burst,
    now,
  );
  const failures = new Map<string, number>();
  return {
    when(key) {
      const count = failures.get(key) ?? 0;
      failures.set(key, count + 1);
      const backoff = Math.min(max, base * 2 ** count);
      return Math.max(backoff, bucket.reserve());
    },
    forget: (key) => void failures.delete(key),
    failures: (key) => failures.get(key) ?? 0,
  };
}
