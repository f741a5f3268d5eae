import { EventSource, type Hint } from "@emqx-reconciler/api";
import { hintKey } from "../../embedded/hints.ts";
import { type Logger, silentLogger } from "../../ports.ts";
import { type BackoffOptions, computeBackoffMs, sleep } from "./backoff.ts";
import { type Outgoing, settlesBefore, takeBatches } from "./batches.ts";
import { mergeHints } from "./hintMerge.ts";
import type { Publisher } from "./types.ts";

/** Per-entry error codes that a resend cannot fix (the entry itself is wrong); such hints are dropped. */
const PERMANENT_ERROR_CODES = new Set(["InvalidArgument", "MalformedDetail"]);

/** Options of {@link createHintBatcher}. */
export interface HintBatcherOptions {
  publisher: Publisher;
  /** `Source` of the entries. @default EventSource.Forwarder */
  source?: EventSource;
  /** How long a first hint waits for others (and for repeats of its key to fold into it). @default 150 */
  windowMs?: number;
  /**
   * Sends a hint that finds the batcher idle at once (in the next turn of the event loop, with whatever arrived
   * in the same turn) and then at most one round per `windowMs`: the first change of a quiet cluster is not held
   * back a window, and a burst of changes is still batched. @default false
   */
  leading?: boolean;
  /** PutEvents requests in flight at once. @default 4 */
  maxInFlight?: number;
  /** Backoff between resends of failed entries. @default { baseMs: 200, maxMs: 30_000 } */
  retry?: BackoffOptions;
  logger?: Logger;
}

/** Counters of a batcher. */
export interface HintBatcherStats {
  /** Hints handed to `add`. */
  received: number;
  /** Hints folded into a pending hint of the same key. */
  merged: number;
  /** Entries the bus accepted. */
  published: number;
  /** Entries that failed and were put back to be resent. */
  retried: number;
  /** Entries refused for good (malformed): counted, logged, not resent. */
  dropped: number;
  putCalls: number;
  /** Calls that threw (bus unreachable, throttled as a whole). */
  failedCalls: number;
  /** Keys waiting now; at most one hint each. */
  pendingKeys: number;
  /** Entries in requests under way now. */
  inFlight: number;
}

/**
 * Collects hints and publishes them in PutEvents requests.
 *
 * Memory stays bounded by the number of distinct keys whatever the bus does: a key has at most one pending hint
 * (repeats fold in with {@link mergeHints}) plus at most one in flight, and failed entries fold back into the
 * pending one. Only failed entries are resent, with backoff; a fully successful request resets it.
 */
export interface HintBatcher {
  add(hint: Hint): void;
  /**
   * Publishes everything pending now (skipping the window), resending failures until none are left or the
   * timeout passes; resolves with the number of hints still unsent.
   */
  flush(options?: { timeoutMs?: number }): Promise<number>;
  /** Flushes like {@link flush}, then refuses further hints; resolves with the number left unsent. */
  close(options?: { timeoutMs?: number }): Promise<number>;
  stats(): HintBatcherStats;
}

/** Creates a {@link HintBatcher}. */
export function createHintBatcher(options: HintBatcherOptions): HintBatcher {
  const source = options.source ?? EventSource.Forwarder;
  const windowMs = options.windowMs ?? 150;
  const leading = options.leading ?? false;
  const maxInFlight = Math.max(1, options.maxInFlight ?? 4);
  const retry = options.retry ?? { baseMs: 200, maxMs: 30_000 };
  const logger = options.logger ?? silentLogger;
  const pending = new Map<string, Hint>();
  const counts = {
    received: 0,
    merged: 0,
    published: 0,
    retried: 0,
    dropped: 0,
    putCalls: 0,
    failedCalls: 0,
  };
  let inFlight = 0;
  let failures = 0;
  let retryAt = 0;
  let lastRoundAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> | undefined;
  let closed = false;

  function put(hint: Hint, asOlder = false): boolean {
    const key = hintKey(hint);
    const current = pending.get(key);
    if (current) pending.set(key, asOlder ? mergeHints(hint, current) : mergeHints(current, hint));
    else pending.set(key, hint);
    return current !== undefined;
  }

  function schedule(): void {
    if (timer || sending || pending.size === 0 || closed) return;
    const now = Date.now();
    const windowDelay = leading ? lastRoundAt + windowMs - now : windowMs;
    const delay = Math.max(0, windowDelay, retryAt - now);
    timer = setTimeout(() => {
      timer = undefined;
      void send();
    }, delay);
  }

  /** One round: everything pending goes out in batches, `maxInFlight` requests at a time. */
  function send(): Promise<void> {
    if (sending) return sending;
    clearTimeout(timer);
    timer = undefined;
    lastRoundAt = Date.now();
    sending = (async () => {
      const batches = takeBatches(pending, source);
      let failedThisRound = 0;
      let next = 0;
      const worker = async () => {
        while (next < batches.length) {
          const batch = batches[next++] as Outgoing[];
          failedThisRound += await publishBatch(batch);
        }
      };
      await Promise.all(Array.from({ length: Math.min(maxInFlight, batches.length) }, worker));
      failures = failedThisRound > 0 ? failures + 1 : 0;
      retryAt = failures > 0 ? Date.now() + computeBackoffMs(failures, retry) : 0;
    })().finally(() => {
      sending = undefined;
      schedule();
    });
    return sending;
  }

  /** Sends one request; failed hints go back to `pending`. Returns how many failed. */
  async function publishBatch(batch: Outgoing[]): Promise<number> {
    inFlight += batch.length;
    counts.putCalls++;
    try {
      const result = await options.publisher.putEvents(batch.map((out) => out.entry));
      let failed = 0;
      for (const [i, { hint }] of batch.entries()) {
        const errorCode = result.Entries[i] ? result.Entries[i].ErrorCode : "MissingResultEntry";
        if (!errorCode) counts.published++;
        else if (PERMANENT_ERROR_CODES.has(errorCode)) {
          counts.dropped++;
          logger.warn("Dropped a hint the bus refused", { key: hintKey(hint), errorCode });
        } else {
          failed++;
          counts.retried++;
          put(hint, true);
        }
      }
      return failed;
    } catch (error) {
      counts.failedCalls++;
      counts.retried += batch.length;
      for (const { hint } of batch) put(hint, true);
      logger.warn("Failed to publish hints", { entries: batch.length, error: String(error) });
      return batch.length;
    } finally {
      inFlight -= batch.length;
    }
  }

  async function flush(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      if (sending && !(await settlesBefore(sending, deadline))) return pending.size + inFlight;
      if (pending.size === 0) return 0;
      const wait = retryAt - Date.now();
      if (Date.now() + Math.max(0, wait) >= deadline) return pending.size;
      if (wait > 0) await sleep(wait);
      await send();
    }
  }

  return {
    add(hint) {
      if (closed) return;
      counts.received++;
      if (put(hint)) counts.merged++;
      schedule();
    },
    flush: (opts) => flush(opts?.timeoutMs),
    async close(opts) {
      const left = await flush(opts?.timeoutMs);
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      return left;
    },
    stats: () => ({ ...counts, pendingKeys: pending.size, inFlight }),
  };
}
