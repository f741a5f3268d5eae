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
}

/** What a window did. */
export interface WatchWindowResult extends ForwarderStats {
  /** Wall time from start to the end of the final flush. */
  elapsedMs: number;
}

/**
 * One bounded forwarding window, for the scheduled watch-window function: list (hinting `resync` for every CR,
 * so each window doubles as a resync sweep), watch until the deadline, then flush. Stateless: overlapping
 * windows cover each other's gaps, and the next window's list catches anything a gap missed. Each watch asks
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
    resyncOnStart: true,
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
