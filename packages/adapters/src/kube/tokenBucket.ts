import { monotonicMs } from "@emqx-reconciler/api";

/**
 * A token bucket that reserves, like Go's `rate.Limiter.Reserve`: a caller that finds it empty is told how long
 * until its token exists, so waiters queue up fairly instead of all retrying at once. Used for the gateway's
 * client-side request rate (client-go's qps / burst) and by the embedded work queue's retry limiter.
 */
export interface TokenBucket {
  /** Takes a token and returns how many milliseconds to wait before using it (0 when one was available). */
  reserve(): number;
  /** Waits until a token is available; resolves with how many milliseconds it waited. */
  take(): Promise<number>;
}

/** A bucket of `burst` tokens refilled at `qps` per second; an infinite `qps` never waits. */
export function createTokenBucket(qps: number, burst: number, now: () => number = monotonicMs): TokenBucket {
  let tokens = burst;
  let last = now();
  const reserve = (): number => {
    if (!Number.isFinite(qps)) return 0;
    const at = now();
    tokens = Math.min(burst, tokens + ((at - last) / 1000) * qps);
    last = at;
    tokens -= 1;
    return tokens >= 0 ? 0 : (-tokens / qps) * 1000;
  };
  return {
    reserve,
    async take() {
      const wait = reserve();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return wait;
    },
  };
}
