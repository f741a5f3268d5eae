import {
  PUT_EVENTS_MAX_BYTES,
  PUT_EVENTS_MAX_ENTRIES,
  type PutEventsEntry,
  type PutEventsResult,
  type PutEventsResultEntry,
  type PutEventsTarget,
  putEventsEntrySize,
} from "@emqx-reconciler/api";
import { isRetryableAwsError } from "./errors.ts";

/** Per-entry codes a resend can fix (eb-putevents.html); every other code means the entry itself is refused. */
const RETRYABLE_ENTRY_CODES = new Set(["InternalFailure", "ThrottlingException"]);

/** Options of {@link EventPublisher}. */
export interface EventPublisherOptions {
  /** Sends of one entry before its failure is reported. @default 5 */
  maxAttempts?: number;
  /** First resend delay; doubles per attempt, with full jitter. @default 100 */
  baseDelayMs?: number;
  /** Cap of one resend delay. @default 5_000 */
  maxDelayMs?: number;
  /** PutEvents requests in flight at once. @default 4 */
  maxInFlight?: number;
  /** Injected for tests. @default setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests. @default Math.random */
  random?: () => number;
}

/** Counters since creation. */
export interface EventPublisherStats {
  calls: number;
  sent: number;
  resent: number;
  failed: number;
}

/**
 * Publishes any number of entries through a {@link PutEventsTarget} (EventBridge or the embedded bus): packs them
 * into requests of ≤ 10 entries under 256 KB, resends only the entries that failed with a retryable code (or whose
 * request failed as a whole with a retryable error) with capped exponential backoff, and answers one result per
 * entry, aligned with the input like PutEvents itself. It never throws for a refused entry: callers count them.
 */
export class EventPublisher {
  readonly stats: EventPublisherStats = { calls: 0, sent: 0, resent: 0, failed: 0 };
  private readonly target: PutEventsTarget;
  private readonly options: Required<EventPublisherOptions>;

  constructor(target: PutEventsTarget, options: EventPublisherOptions = {}) {
    this.target = target;
    this.options = {
      maxAttempts: options.maxAttempts ?? 5,
      baseDelayMs: options.baseDelayMs ?? 100,
      maxDelayMs: options.maxDelayMs ?? 5_000,
      maxInFlight: options.maxInFlight ?? 4,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
    };
  }

  /** {@link publish} under the PutEvents name, so the publisher serves wherever a `PutEventsTarget` is taken. */
  putEvents(entries: readonly PutEventsEntry[]): Promise<PutEventsResult> {
    return this.publish(entries);
  }

  /** Publishes `entries`; the result's `Entries[i]` tells what became of `entries[i]`. */
  async publish(entries: readonly PutEventsEntry[]): Promise<PutEventsResult> {
    const results: PutEventsResultEntry[] = entries.map(() => ({}));
    let pending: number[] = [];
    for (const [i, entry] of entries.entries()) {
      if (putEventsEntrySize(entry) < PUT_EVENTS_MAX_BYTES) pending.push(i);
      else
        results[i] = {
          ErrorCode: "EntryTooLarge",
          ErrorMessage: `Entry is ${putEventsEntrySize(entry)} bytes.`,
        };
    }
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) {
        this.stats.resent += pending.length;
        await this.options.sleep(this.backoffMs(attempt - 1));
      }
      const retry: number[] = [];
      const last = attempt >= this.options.maxAttempts;
      await this.sendAll(packBatches(pending, entries), entries, results, last ? undefined : retry);
      pending = retry.sort((a, b) => a - b);
    }
    const failed = results.filter((r) => r.ErrorCode).length;
    this.stats.failed += failed;
    this.stats.sent += entries.length - failed;
    return { FailedEntryCount: failed, Entries: results };
  }

  private async sendAll(
    batches: number[][],
    entries: readonly PutEventsEntry[],
    results: PutEventsResultEntry[],
    retry: number[] | undefined,
  ): Promise<void> {
    let next = 0;
    const worker = async () => {
      for (let b = next++; b < batches.length; b = next++) {
        const batch = batches[b] ?? [];
        this.stats.calls++;
        try {
          const out = await this.target.putEvents(batch.map((i) => entries[i] as PutEventsEntry));
          for (const [j, i] of batch.entries()) {
            const r = out.Entries[j] ?? {
              ErrorCode: "InternalFailure",
              ErrorMessage: "No result for the entry.",
            };
            if (r.ErrorCode && RETRYABLE_ENTRY_CODES.has(r.ErrorCode) && retry) retry.push(i);
            else results[i] = r;
          }
        } catch (error) {
          if (retry && isRetryableAwsError(error)) retry.push(...batch);
          else for (const i of batch) results[i] = errorResult(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.maxInFlight, batches.length) }, worker));
  }

  private backoffMs(retryNumber: number): number {
    const cap = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (retryNumber - 1));
    return Math.round(cap * this.options.random());
  }
}

/** Packs entry indexes, in order, into requests of ≤ 10 entries whose total size stays under the limit. */
export function packBatches(indexes: readonly number[], entries: readonly PutEventsEntry[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let size = 0;
  for (const i of indexes) {
    const entrySize = putEventsEntrySize(entries[i] as PutEventsEntry);
    if (current.length === PUT_EVENTS_MAX_ENTRIES || size + entrySize >= PUT_EVENTS_MAX_BYTES) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(i);
    size += entrySize;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function errorResult(error: unknown): PutEventsResultEntry {
  const name = error instanceof Error ? error.name : "Error";
  const code = (error as { code?: string }).code ?? name;
  return { ErrorCode: code, ErrorMessage: error instanceof Error ? error.message : String(error) };
}
