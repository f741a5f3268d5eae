/**
 * The wire form of a time in Kubernetes (`metav1.Time`) and in EventBridge envelopes (`time`): RFC 3339 in UTC
 * with second precision, the fraction dropped. A time we write in this form reads back byte-identical, so a
 * converged status compares equal to what was stored.
 * @example isoSeconds(new Date("2026-01-02T03:04:05.678Z")) // "2026-01-02T03:04:05Z"
 */
export function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}
