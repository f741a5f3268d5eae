/** Verbs that only read (a watch counts as one read when it is opened). */
const READ_VERBS = new Set(["get", "list", "watch", "proxy"]);

/** A snapshot of request counts: totals split into reads and writes, and counts per `"<verb> <resource>"`. */
export interface RequestStatsSnapshot {
  reads: number;
  writes: number;
  /** e.g. `{ "list pods": 3, "patch statefulsets": 1 }` */
  byRequest: Record<string, number>;
  /** Requests that waited for a token of the client rate limit (qps / burst), and their waits summed. */
  throttled: { requests: number; ms: number };
}

/**
 * Counts API requests by verb and resource, cheaply (one map increment per request), so benchmarks and tests can
 * check the "requests per reconcile" budget: a converged CR costs no writes and one list per owned kind.
 */
export class RequestStats {
  private counts = new Map<string, number>();
  private reads = 0;
  private writes = 0;
  private throttledRequests = 0;
  private throttledMs = 0;

  /** Records one request. */
  count(verb: string, resource: string): void {
    const key = `${verb} ${resource}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (READ_VERBS.has(verb)) this.reads++;
    else this.writes++;
  }

  /** Records that a request waited `ms` for a token of the client rate limit. */
  throttle(ms: number): void {
    this.throttledRequests++;
    this.throttledMs += ms;
  }

  /** The counts so far. */
  snapshot(): RequestStatsSnapshot {
    return {
      reads: this.reads,
      writes: this.writes,
      byRequest: Object.fromEntries(this.counts),
      throttled: { requests: this.throttledRequests, ms: this.throttledMs },
    };
  }

  /** Starts counting from zero (e.g. before measuring one reconcile). */
  reset(): void {
    this.counts = new Map();
    this.reads = 0;
    this.writes = 0;
    this.throttledRequests = 0;
    this.throttledMs = 0;
  }
}
