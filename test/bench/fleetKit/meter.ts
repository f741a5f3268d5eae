/**
 * Per-cluster request meters for the fleet benchmark: a Proxy over any port object that counts each async call
 * while it is in flight, and keeps call start times, so the benchmark can print the peak concurrency and the
 * busiest second of every cluster next to the caps the code declares.
 */

/** Peaks one meter saw. */
export interface MeterPeaks {
  calls: number;
  /** Most calls in flight at once. */
  inFlight: number;
  /** Most calls started within any one second. */
  perSecond: number;
}

/** Counts in-flight calls of the objects it wraps. */
export class CallMeter {
  #inFlight = 0;
  #peak = 0;
  #starts: number[] = [];

  /** `target` with every method that returns a promise counted while the promise is pending. */
  wrap<T extends object>(target: T): T {
    return new Proxy(target, {
      get: (obj, key, receiver) => {
        const value = Reflect.get(obj, key, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const result = value.apply(obj, args);
          if (!(result instanceof Promise)) return result;
          this.#inFlight += 1;
          this.#peak = Math.max(this.#peak, this.#inFlight);
          this.#starts.push(performance.now());
          return result.finally(() => {
            this.#inFlight -= 1;
          });
        };
      },
    });
  }

  /** Forgets the calls so far (calls in flight still end here). */
  reset(): void {
    this.#peak = this.#inFlight;
    this.#starts = [];
  }

  /** The peaks since construction or the last reset. */
  peaks(): MeterPeaks {
    let perSecond = 0;
    let from = 0;
    for (let to = 0; to < this.#starts.length; to++) {
      while ((this.#starts[to] ?? 0) - (this.#starts[from] ?? 0) >= 1000) from += 1;
      perSecond = Math.max(perSecond, to - from + 1);
    }
    return { calls: this.#starts.length, inFlight: this.#peak, perSecond };
  }
}

/** The largest value of `pick` over `items` (0 for none). */
export function maxOf<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((max, item) => Math.max(max, pick(item)), 0);
}
