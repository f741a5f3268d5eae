/**
 * The wire form of a time in Kubernetes (`metav1.Time`) and in EventBridge envelopes (`time`): RFC 3339 in UTC
 * with second precision, the fraction dropped. A time we write in this form reads back byte-identical, so a
 * converged status compares equal to what was stored.
 * @example isoSeconds(new Date("2026-01-02T03:04:05.678Z")) // "2026-01-02T03:04:05Z"
 */
export function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Milliseconds on the monotonic clock (`process.hrtime`): the difference of two readings is the time between them,
 * whatever the wall clock does. Where `performance.now()` would serve, this reads the same clock without loading
 * Node's `perf_hooks` (the `performance` global loads it on first use: about 0.5 MiB resident).
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
