import type { Timestamp } from "../plan/types.ts";

/** Milliseconds since the epoch of a client-node `Date` or an RFC 3339 string; undefined when absent or invalid. */
export function toMillis(at: Timestamp | undefined): number | undefined {
  if (at === undefined) return undefined;
  const ms = at instanceof Date ? at.getTime() : Date.parse(at);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The Kubernetes wire form of a time: RFC 3339 in UTC with second precision (`metav1.Time`), so a timestamp we
 * write reads back byte-identical and a converged status compares equal.
 */
export function formatTime(at: Timestamp): string {
  const ms = toMillis(at);
  if (ms === undefined) throw new RangeError(`not a timestamp: ${String(at)}`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
