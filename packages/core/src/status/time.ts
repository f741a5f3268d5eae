import { isoSeconds } from "@emqx-reconciler/api";
import type { Timestamp } from "../plan/types.ts";

/** Milliseconds since the epoch of a client-node `Date` or an RFC 3339 string; undefined when absent or invalid. */
export function toMillis(at: Timestamp | undefined): number | undefined {
  if (at === undefined) return undefined;
  const ms = at instanceof Date ? at.getTime() : Date.parse(at);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Milliseconds since the epoch of a client-node `Date` or an RFC 3339 string; throws on anything else. */
export function millisOf(at: Timestamp): number {
  const ms = toMillis(at);
  if (ms === undefined) throw new RangeError(`not a timestamp: ${String(at)}`);
  return ms;
}

/** {@link isoSeconds} of a client-node `Date` or an RFC 3339 string; throws on anything else. */
export function formatTime(at: Timestamp): string {
  return isoSeconds(new Date(millisOf(at)));
}
