import { ForwarderError } from "./errors.ts";

/** Counters of an {@link OpenGate}. */
export interface OpenGateStats {
  /** Clusters holding a slot now. */
  opening: number;
  /** Clusters waiting for a slot now. */
  waiting: number;
  /** The most clusters that ever held a slot at once. */
  maxOpening: number;
  /** Slots handed out so far. */
  entered: number;
}

/**
 * A bound on how many clusters of a shard open (run their opening lists and start their watches) at once. The
 * opening lists are a shard's memory peak: their response bodies, parsed objects and TLS handshakes all live at
 * once when every cluster opens together. Watches already open are not counted.
 */
export interface OpenGate {
  /**
   * Resolves with a release function once a slot is free, or at once (with a no-op release) when `signal`
   * aborts while waiting. Releasing twice releases once. Waiters are served first come, first served.
   */
  enter(signal?: AbortSignal): Promise<() => void>;
  stats(): OpenGateStats;
}

/**
 * An {@link OpenGate} of `limit` slots.
 *
 * @example
 * const gate = createOpenGate(32);
 * const release = await gate.enter(signal);
 * try { await forwarder.ready; } finally { release(); }
 */
export function createOpenGate(limit: number): OpenGate {
  if (!Number.isInteger(limit) || limit < 1)
    throw new ForwarderError(`open concurrency: must be a whole number ≥ 1, got ${limit}`);
  const stats: OpenGateStats = { opening: 0, waiting: 0, maxOpening: 0, entered: 0 };
  const queue: Array<() => void> = [];

  const grant = (): (() => void) => {
    stats.opening += 1;
    stats.entered += 1;
    stats.maxOpening = Math.max(stats.maxOpening, stats.opening);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      stats.opening -= 1;
      queue.shift()?.();
    };
  };

  return {
    enter(signal) {
      if (signal?.aborted) return Promise.resolve(() => {});
      if (stats.opening < limit && queue.length === 0) return Promise.resolve(grant());
      stats.waiting += 1;
      return new Promise((resolve) => {
        const take = () => {
          signal?.removeEventListener("abort", onAbort);
          stats.waiting -= 1;
          resolve(grant());
        };
        const onAbort = () => {
          const at = queue.indexOf(take);
          if (at >= 0) queue.splice(at, 1);
          stats.waiting -= 1;
          resolve(() => {});
        };
        queue.push(take);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    stats: () => ({ ...stats }),
  };
}
