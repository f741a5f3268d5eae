import { monotonicMs } from "@emqx-reconciler/api";
import { QueueCounters, type WorkQueueMetrics } from "./queueMetrics.ts";
import { createRateLimiter, type RateLimiterOptions } from "./rateLimiter.ts";

/** What a run asks for next: nothing (done until the next add) or another run after a delay. */
export interface WorkResult {
  requeueAfterMs?: number;
}

/** Processes one key. The signal aborts when a shutdown stops waiting for it. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing is the common case.
export type WorkHandler = (key: string, signal: AbortSignal) => Promise<WorkResult | undefined | void>;

/** Options of {@link createWorkQueue}; the rate-limit options default to client-go's numbers. */
export interface WorkQueueOptions extends RateLimiterOptions {
  handler: WorkHandler;
  /** Runs at once over all keys (default 4); one key never runs twice at once whatever this is. */
  concurrency?: number;
  /** Errors that retrying cannot fix (controller-runtime's `TerminalError`): reported, not retried. */
  isTerminal?: (error: unknown) => boolean;
  /** Hears every failed run, with the retry delay chosen (`undefined` when not retried). */
  onError?: (key: string, error: unknown, retryInMs: number | undefined) => void;
  /**
   * How long the server asked us to wait before retrying (`Retry-After` on a 429), in milliseconds, when it said:
   * the retry then waits at least that long, whatever the backoff says.
   */
  retryAfterMs?: (error: unknown) => number | undefined;
}

/** How {@link WorkQueue.shutdown} ends. */
export interface ShutdownOptions {
  /** Finish the keys already queued (default) or only the runs under way. */
  drain?: boolean;
  /** Stop waiting after this long: handlers' signals abort and the keys still running are reported. */
  timeoutMs?: number;
  /** Same as the timeout, triggered by the caller. */
  signal?: AbortSignal;
}

/** How a shutdown went. */
export interface ShutdownResult {
  /** `true` when every run finished before the deadline. */
  completed: boolean;
  /** Keys still running when the queue gave up waiting. */
  abandonedKeys: string[];
}

/** A keyed work queue with client-go workqueue semantics; see {@link createWorkQueue}. */
export interface WorkQueue {
  /** Queues `key` unless already queued; while it runs, marks it for exactly one follow-up run. */
  add(key: string): void;
  /** Adds `key` after `delayMs`; of several pending delays for one key the earliest wins. */
  addAfter(key: string, delayMs: number): void;
  /** Adds `key` after its backoff (per-key exponential, shared token bucket). */
  addRateLimited(key: string): void;
  /** Resets the backoff of `key`. */
  forget(key: string): void;
  numRequeues(key: string): number;
  /** Whether `key` is queued or running now (parked `addAfter` keys do not count). */
  has(key: string): boolean;
  /** Resolves when nothing is queued or running (parked `addAfter` keys do not count). */
  idle(): Promise<void>;
  /** Stops accepting keys, clears parked ones, and waits for runs to finish (see {@link ShutdownOptions}). */
  shutdown(options?: ShutdownOptions): Promise<ShutdownResult>;
  metrics(): WorkQueueMetrics;
}

/**
 * Creates a running queue whose workers call `handler`. Semantics of client-go's `workqueue` and controller-runtime's reconcile handler: a key is never processed by two workers at once;
 * adds while queued collapse; adds while processing collapse into one follow-up run after the current one; a
 * failed run is retried with backoff, a successful one forgets its backoff and may ask for a delayed requeue.
 */
export function createWorkQueue(options: WorkQueueOptions): WorkQueue {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const now = options.now ?? monotonicMs;
  const limiter = createRateLimiter({ ...options, now });
  const counters = new QueueCounters();
  const ready: string[] = [];
  const dirty = new Map<string, number>();
  const processing = new Set<string>();
  const parked = new Map<string, { readyAt: number; timer: NodeJS.Timeout }>();
  const abort = new AbortController();
  let idleWaiters: Array<() => void> = [];
  let shuttingDown = false;
  let active = 0;

  function add(key: string): void {
    if (shuttingDown) {
      counters.droppedAdds++;
      return;
    }
    const metrics = counters.of(key);
    metrics.adds++;
    if (dirty.has(key)) {
      metrics.coalescedAdds++;
      return;
    }
    dirty.set(key, now());
    if (processing.has(key)) return;
    ready.push(key);
    pump();
  }

  function pump(): void {
    while (active < concurrency && ready.length > 0 && !abort.signal.aborted) {
      const key = ready.shift() as string;
      counters.queueLatency.record(now() - (dirty.get(key) ?? now()));
      dirty.delete(key);
      processing.add(key);
      active++;
      void run(key);
    }
    if (active === 0 && ready.length === 0) wakeIdle();
  }

  async function run(key: string): Promise<void> {
    counters.started(key);
    const startedAt = now();
    let result: WorkResult | undefined;
    let failure: { error: unknown } | undefined;
    try {
      result = (await options.handler(key, abort.signal)) ?? undefined;
    } catch (error) {
      failure = { error };
    }
    counters.workDuration.record(now() - startedAt);
    counters.finished(key);
    if (failure) {
      retryAfterFailure(key, failure.error);
    } else {
      limiter.forget(key);
      if (result?.requeueAfterMs !== undefined) addAfter(key, result.requeueAfterMs);
    }
    done(key);
  }

  function retryAfterFailure(key: string, error: unknown): void {
    counters.of(key).failures++;
    const retry = !shuttingDown && !(options.isTerminal?.(error) ?? false);
    if (!retry) limiter.forget(key);
    const delay = retry ? Math.max(limiter.when(key), options.retryAfterMs?.(error) ?? 0) : undefined;
    options.onError?.(key, error, delay);
    if (delay !== undefined) {
      counters.of(key).retries++;
      addAfter(key, delay);
    }
  }

  function done(key: string): void {
    processing.delete(key);
    active--;
    if (dirty.has(key) && !abort.signal.aborted) ready.push(key);
    pump();
  }

  function addAfter(key: string, delayMs: number): void {
    if (shuttingDown) {
      counters.droppedAdds++;
      return;
    }
    if (!(delayMs > 0)) {
      add(key);
      return;
    }
    const readyAt = now() + delayMs;
    const existing = parked.get(key);
    if (existing && existing.readyAt <= readyAt) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      parked.delete(key);
      add(key);
    }, delayMs);
    parked.set(key, { readyAt, timer });
  }

  function wakeIdle(): void {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  }

  const idle = () =>
    active === 0 && ready.length === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => idleWaiters.push(resolve));

  async function shutdown({
    drain = true,
    timeoutMs,
    signal,
  }: ShutdownOptions = {}): Promise<ShutdownResult> {
    shuttingDown = true;
    for (const { timer } of parked.values()) clearTimeout(timer);
    parked.clear();
    if (!drain) {
      ready.length = 0;
      dirty.clear();
    }
    const giveUp = new AbortController();
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => giveUp.abort(), timeoutMs);
    const onAbort = () => giveUp.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) giveUp.abort();
    const gaveUp = new Promise<boolean>((resolve) =>
      giveUp.signal.addEventListener("abort", () => resolve(true)),
    );
    const gaveUpFirst = await Promise.race([idle().then(() => false), gaveUp]);
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    if (!gaveUpFirst) return { completed: true, abandonedKeys: [] };
    const abandonedKeys = [...processing];
    abort.abort(new Error("The work queue shut down before this run finished."));
    ready.length = 0;
    return { completed: false, abandonedKeys };
  }

  return {
    add,
    addAfter,
    addRateLimited(key) {
      counters.of(key).retries++;
      addAfter(key, limiter.when(key));
    },
    forget: (key) => limiter.forget(key),
    numRequeues: (key) => limiter.failures(key),
    has: (key) => dirty.has(key) || processing.has(key),
    idle,
    shutdown,
    metrics: () =>
      counters.snapshot({ depth: ready.length, waiting: parked.size, processing: processing.size }),
  };
}
