/**
 * The wire form of a time in Kubernetes (`metav1.Time`) and in EventBridge envelopes (`time`): RFC 3339 in UTC
 * with second precision, the fraction dropped. A time we write in this form reads back byte-identical, so a
 * converged status compares equal to what was stored.
 * @example isoSeconds(new Date("2026-01-02T03:04:05.678Z")) // "2026-01-02T03:04:05Z"
 */
export function isoSeconds(at: Date): string {
  return isoTime(at).replace(/\.\d{3}Z$/, "Z");
}

/**
 * `at.toISOString()`, built from the UTC fields. V8's `toISOString` sets up the process's local time zone first,
 * which pages ICU's time-zone data and code into memory (about 0.8 MiB resident for the process's life) although
 * the result is in UTC; the UTC getters need no time zone. Years outside 0–9999 (never a Kubernetes or log time)
 * go to `toISOString` itself.
 * @example isoTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))) // "2026-01-02T03:04:05.678Z"
 */
export function isoTime(at: Date): string {
  const year = at.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return at.toISOString();
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(year).padStart(4, "0")}-${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())}T${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())}.${String(at.getUTCMilliseconds()).padStart(3, "0")}Z`;
}

/**
 * Milliseconds on the monotonic clock (`process.hrtime`): the difference of two readings is the time between them,
 * whatever the wall clock does. Where `performance.now()` would serve, this reads the same clock without loading
 * Node's `perf_hooks` (the `performance` global loads it on first use: about 0.5 MiB resident).
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
