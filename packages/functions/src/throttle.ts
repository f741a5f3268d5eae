/**
 * The registry's per-cluster rate limit (client-go's qps / burst) on the Kubernetes calls of the workflows. One
 * bucket per cluster per warm function: a noisy cluster waits for its own tokens and never for another's.
 */

/** A token bucket: `take()` resolves when a token is available (callers queue fairly by reservation time). */
export interface TokenBucket {
  take(): Promise<void>;
}

/** A bucket of `burst` tokens refilled at `qps`. */
export function createTokenBucket(
  qps: number,
  burst: number,
  now: () => number = performance.now.bind(performance),
): TokenBucket {
  let tokens = burst;
  let at = now();
  return {
    async take() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - at) * qps) / 1000);
      at = t;
      tokens -= 1;
      if (tokens >= 0) return;
      await new Promise((resolve) => setTimeout(resolve, (-tokens * 1000) / qps));
    },
  };
}

/** `target` with each method in `methods` waiting for a token first; other properties pass through. */
export function throttled<T extends object>(target: T, methods: ReadonlySet<string>, bucket: TokenBucket): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof prop !== "string" || !methods.has(prop) || typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        await bucket.take();
        return value.apply(obj, args);
      };
    },
  });
}
