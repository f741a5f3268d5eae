/** Exponential backoff with jitter, as client-go's reflector and workqueue do it. */
export interface BackoffOptions {
  /** First delay. */
  baseMs: number;
  /** Cap. */
  maxMs: number;
  /** Uniform [0, 1) source; injectable for tests. @default Math.random */
  random?: () => number;
}

/**
 * Delay before attempt `failures + 1`: `base · 2^(failures-1)` capped, then "equal jitter" (half fixed, half
 * random), so a fleet of forwarders that lost the same apiserver does not reconnect in lockstep. A server's
 * `Retry-After` is a floor.
 */
export function computeBackoffMs(failures: number, options: BackoffOptions, retryAfterMs = 0): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failures - 1));
  const jittered = exp / 2 + (options.random ?? Math.random)() * (exp / 2);
  return Math.max(retryAfterMs, Math.round(jittered));
}

/** Sleeps `ms`, ending early (without throwing) when `signal` aborts; resolves true when the full time passed. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
