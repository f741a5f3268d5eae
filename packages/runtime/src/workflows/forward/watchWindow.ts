import { sleep } from "./backoff.ts";
import { ForwarderError } from "./errors.ts";
import {
  FORWARDER_DEFAULTS,
  type ForwarderOptions,
  type ForwarderStats,
  startForwarder,
} from "./forwarder.ts";

/** Options of {@link runWatchWindow}: a forwarder's, plus how long the window lasts. */
export interface WatchWindowOptions extends Omit<ForwarderOptions, "resyncOnStart"> {
  /** Length of the window: lists, then watches until this deadline. */
  durationMs: number;
  /**
   * Hint `resync` for every CR of the opening lists (see {@link isResyncWindow}); without it, the lists only
   * seed the tracker and the window forwards changes. @default true
   */
  resync?: boolean;
}

/** What a window did. */
export interface WatchWindowResult extends ForwarderStats {
  /** Wall time from start to the end of the final flush. */
  elapsedMs: number;
}

/**
 * Whether the window starting at `startMs` is the resync window of its `resyncEveryMs` period, for windows
 * scheduled every `windowEveryMs`: the start is rounded to the schedule's grid (absorbing the scheduler's few
 * seconds of jitter), and the one window on a period boundary resyncs. So exactly one window in
 * `resyncEveryMs / windowEveryMs` does, whatever the jitter; a period not a multiple of the cadence resyncs on
 * the windows nearest its boundaries.
 *
 * @example isResyncWindow(Date.parse("2026-12-02T13:00:04Z"), 300_000, 3_600_000) // true
 */
export function isResyncWindow(startMs: number, windowEveryMs: number, resyncEveryMs: number): boolean {
  if (resyncEveryMs <= windowEveryMs) return true;
  const onGrid = Math.round(startMs / windowEveryMs) * windowEveryMs;
  return onGrid % resyncEveryMs < windowEveryMs;
}

/**
 * One bounded forwarding window, for the scheduled watch-window function: list (hinting `resync` for every CR
 * when `resync` is set, so that window doubles as a resync sweep), watch until the deadline, then flush.
 * Stateless: overlapping windows cover each other's gaps, and the next resync window's list catches anything a
 * failed window missed. Each watch asks
 * the server to end by the deadline too. The whole call takes about `durationMs + stopFlushTimeoutMs`; an
 * aborted `signal` ends the window early (still flushing).
 *
 * @example
 * const result = await runWatchWindow({ cluster: "prod", kube, publisher, durationMs: 240_000, signal });
 */
export async function runWatchWindow(options: WatchWindowOptions): Promise<WatchWindowResult> {
  if (!(options.durationMs > 0)) throw new ForwarderError("durationMs: must be a positive number of ms");
  const started = Date.now();
  const serverTimeout = Math.max(1, Math.ceil(options.durationMs / 1000));
  const forwarder = startForwarder({
    ...options,
    resyncOnStart: options.resync ?? true,
    watch: {
      ...options.watch,
      timeoutSeconds: Math.min(
        options.watch?.timeoutSeconds ?? FORWARDER_DEFAULTS.watch.timeoutSeconds,
        serverTimeout,
      ),
    },
  });
  await sleep(options.durationMs, options.signal);
  await forwarder.stop();
  return { ...forwarder.stats(), elapsedMs: Date.now() - started };
}
