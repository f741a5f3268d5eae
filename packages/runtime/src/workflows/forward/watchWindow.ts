import { sleep } from "./backoff.ts";
import { ForwarderError } from "./errors.ts";
import {
  FORWARDER_DEFAULTS,
  type ForwarderOptions,
  type ForwarderStats,
  startForwarder,
} from "./forwarder.ts";
import type { OpenGate } from "./openGate.ts";

/** Options of {@link runWatchWindow}: a forwarder's, plus how long the window lasts. */
export interface WatchWindowOptions extends Omit<ForwarderOptions, "resyncOnStart"> {
  /** Length of the window: lists, then watches until this deadline. */
  durationMs: number;
  /**
   * Hint `resync` for every CR of the opening lists (see {@link isResyncWindow}); without it, the lists only
   * seed the tracker and the window forwards changes. @default true
   */
  resync?: boolean;
  /**
   * A bound shared by the windows of a shard on how many clusters open at once (see {@link OpenGate}): this
   * window waits for a slot before its opening lists and gives it back once they are done and its watches
   * started, or after `openTimeoutMs`, so a slow or hanging cluster holds up the others by that much at most.
   * The window still ends at its deadline, counted from the call.
   */
  openGate?: OpenGate;
  /** The longest a cluster holds a slot of `openGate`. @default 15_000 */
  openTimeoutMs?: number;
}

/** What a window did. */
export interface WatchWindowResult extends ForwarderStats {
  /** Wall time from start to the end of the final flush. */
  elapsedMs: number;
  /** Wall time from start until every opening list was done (the cluster's watches then run); absent if never. */
  openedMs?: number;
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
  const deadline = started + options.durationMs;
  const release = await enterGate(options);
  const remainingMs = Math.max(0, deadline - Date.now());
  const serverTimeout = Math.max(1, Math.ceil(remainingMs / 1000));
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
  let openedMs: number | undefined;
  const opened = forwarder.ready.then(
    () => {
      openedMs = Date.now() - started;
    },
    () => undefined,
  );
  const holdUntil = new AbortController();
  void Promise.race([opened, sleep(options.openTimeoutMs ?? 15_000, holdUntil.signal)]).then(() => {
    holdUntil.abort();
    release();
  });
  await sleep(Math.max(0, deadline - Date.now()), options.signal);
  await forwarder.stop();
  holdUntil.abort();
  return {
    ...forwarder.stats(),
    elapsedMs: Date.now() - started,
    ...(openedMs === undefined ? {} : { openedMs }),
  };
}

/** A slot of the window's gate (waiting at most until its deadline or its signal), or a no-op without one. */
async function enterGate(options: WatchWindowOptions): Promise<() => void> {
  if (!options.openGate) return () => {};
  const bounds = [AbortSignal.timeout(options.durationMs), ...(options.signal ? [options.signal] : [])];
  return options.openGate.enter(AbortSignal.any(bounds));
}
