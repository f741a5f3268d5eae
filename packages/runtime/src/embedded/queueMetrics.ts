/** What the queue saw for one key. `maxConcurrentRuns` above 1 would mean the per-key guarantee broke. */
export interface KeyMetrics {
  adds: number;
  /** Adds absorbed because the key was already queued or already due a follow-up run. */
  coalescedAdds: number;
  runs: number;
  failures: number;
  /** Rate-limited re-adds after failures. */
  retries: number;
  running: number;
  maxConcurrentRuns: number;
}

/** Count, mean and max of a duration, in milliseconds. */
export interface DurationStats {
  count: number;
  meanMs: number;
  maxMs: number;
}

/** A snapshot of a queue: gauges now, counters since creation, and per-key counters. */
export interface WorkQueueMetrics {
  /** Keys ready and waiting for a worker. */
  depth: number;
  /** Keys parked by `addAfter` (requeues and retries). */
  waiting: number;
  processing: number;
  adds: number;
  coalescedAdds: number;
  runs: number;
  failures: number;
  retries: number;
  /** Adds refused because the queue was shutting down. */
  droppedAdds: number;
  /** Largest number of runs of any single key at once: must stay 1. */
  maxConcurrentRunsPerKey: number;
  /** Largest number of runs at once over all keys: at most the concurrency. */
  maxConcurrentRuns: number;
  /** From the first add of a key until a worker starts it. */
  queueLatency: DurationStats;
  /** Time spent in the handler. */
  workDuration: DurationStats;
  keys: Record<string, KeyMetrics>;
}

/** Accumulates a {@link DurationStats} without keeping samples. */
export class DurationRecorder {
  #count = 0;
  #total = 0;
  #max = 0;

  record(ms: number): void {
    this.#count++;
    this.#total += ms;
    this.#max = Math.max(this.#max, ms);
  }

  snapshot(): DurationStats {
    return { count: this.#count, meanMs: this.#count ? this.#total / this.#count : 0, maxMs: this.#max };
  }
}

/** Per-key counters plus the totals derived from them. */
export class QueueCounters {
  readonly keys = new Map<string, KeyMetrics>();
  readonly queueLatency = new DurationRecorder();
  readonly workDuration = new DurationRecorder();
  droppedAdds = 0;
  running = 0;
  maxConcurrentRuns = 0;

  of(key: string): KeyMetrics {
    let metrics = this.keys.get(key);
    if (!metrics) {
      metrics = {
        adds: 0,
        coalescedAdds: 0,
        runs: 0,
        failures: 0,
        retries: 0,
        running: 0,
        maxConcurrentRuns: 0,
      };
      this.keys.set(key, metrics);
    }
    return metrics;
  }

  /** Counts a run starting; the per-key gauge is independent of the queue's own bookkeeping on purpose. */
  started(key: string): void {
    const metrics = this.of(key);
    metrics.runs++;
    metrics.running++;
    metrics.maxConcurrentRuns = Math.max(metrics.maxConcurrentRuns, metrics.running);
    this.running++;
    this.maxConcurrentRuns = Math.max(this.maxConcurrentRuns, this.running);
  }

  finished(key: string): void {
    this.of(key).running--;
    this.running--;
  }

  snapshot(gauges: { depth: number; waiting: number; processing: number }): WorkQueueMetrics {
    const totals = {
      adds: 0,
      coalescedAdds: 0,
      runs: 0,
      failures: 0,
      retries: 0,
      maxConcurrentRunsPerKey: 0,
    };
    const keys: Record<string, KeyMetrics> = {};
    for (const [key, m] of this.keys) {
      keys[key] = { ...m };
      totals.adds += m.adds;
      totals.coalescedAdds += m.coalescedAdds;
      totals.runs += m.runs;
      totals.failures += m.failures;
      totals.retries += m.retries;
      totals.maxConcurrentRunsPerKey = Math.max(totals.maxConcurrentRunsPerKey, m.maxConcurrentRuns);
    }
    return {
      ...gauges,
      ...totals,
      droppedAdds: this.droppedAdds,
      maxConcurrentRuns: this.maxConcurrentRuns,
      queueLatency: this.queueLatency.snapshot(),
      workDuration: this.workDuration.snapshot(),
      keys,
    };
  }
}
