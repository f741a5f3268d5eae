/** A counter and bounded log of emulated API requests, for tests and benchmarks that count calls per path. */

/** One answered (or abandoned) request. */
export interface RequestRecord {
  /** Epoch ms when it arrived. */
  readonly at: number;
  /** `namespace/pod` whose listener received it. */
  readonly pod: string;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** HTTP status sent, or 0 when the client went away first (e.g. under `hang`). */
  readonly status: number;
  /** The fault that applied, if any. */
  readonly fault?: string;
}

/** What `GET /requests` returns. */
export interface RequestSummary {
  readonly total: number;
  /** Count per `"<METHOD> <path>"`. */
  readonly byPath: Record<string, number>;
  /** The most recent records, oldest first. */
  readonly recent: RequestRecord[];
}

/** Keeps counts forever (until reset) and the last `capacity` records. */
export class RequestLog {
  readonly #capacity: number;
  #records: RequestRecord[] = [];
  #byPath = new Map<string, number>();
  #total = 0;

  constructor(capacity = 2000) {
    this.#capacity = capacity;
  }

  record(entry: RequestRecord): void {
    this.#total++;
    const key = `${entry.method} ${entry.path}`;
    this.#byPath.set(key, (this.#byPath.get(key) ?? 0) + 1);
    this.#records.push(entry);
    if (this.#records.length > this.#capacity) this.#records = this.#records.slice(-this.#capacity);
  }

  summary(): RequestSummary {
    return { total: this.#total, byPath: Object.fromEntries(this.#byPath), recent: [...this.#records] };
  }

  reset(): void {
    this.#records = [];
    this.#byPath.clear();
    this.#total = 0;
  }
}
