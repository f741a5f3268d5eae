import { randomUUID } from "node:crypto";
import {
  isoSeconds,
  PUT_EVENTS_MAX_BYTES,
  PUT_EVENTS_MAX_ENTRIES,
  type PutEventsEntry,
  type PutEventsResult,
  type PutEventsResultEntry,
  putEventsEntrySize,
} from "@emqx-reconciler/api";
import { parsePutEventsEntry } from "./entryChecks.ts";
import { NotRunningError, PutEventsValidationError } from "./errors.ts";
import { matchesPattern, validatePattern } from "./patternMatcher.ts";

/** The envelope EventBridge delivers to targets (and matches patterns against), with `detail` parsed. */
export interface BusEvent<Detail = unknown> {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}

/** A rule: events matching `pattern` are handed to `target`; a throwing target is retried. */
export interface BusRule {
  readonly name: string;
  readonly pattern: object;
  target(event: BusEvent): void | Promise<void>;
}

/** Options of {@link createEmbeddedBus}; every field has a working default. */
export interface EmbeddedBusOptions {
  /** `account` and `region` of the envelope; patterns rarely look at them. */
  account?: string;
  region?: string;
  now?: () => Date;
  /** Deliveries per event and rule before giving up (AWS: up to 185 over 24 h; in process, failures are bugs). */
  deliveryAttempts?: number;
  /** First retry delay; doubles per attempt. */
  retryBaseDelayMs?: number;
  /** Called when a delivery is given up, the embedded stand-in for a rule's dead-letter queue. */
  onDeliveryFailure?: (failure: { rule: string; event: BusEvent; error: unknown; attempts: number }) => void;
}

/** Counters of a bus since creation, for tests and the CLI status line. */
export interface BusMetrics {
  putCalls: number;
  acceptedEntries: number;
  failedEntries: number;
  deliveries: number;
  retries: number;
  deadLettered: number;
  matchedByRule: Record<string, number>;
}

/** An in-process EventBridge: same PutEvents contract and limits, same pattern language, at-least-once delivery. */
export interface EmbeddedBus {
  /** Adds a rule; its pattern is validated now, like `PutRule`. Rule names are unique. */
  addRule(rule: BusRule): void;
  removeRule(name: string): boolean;
  /**
   * Accepts 1–10 entries whose total size is under 256 KiB (else throws, like AWS's `ValidationException`); bad
   * entries fail alone with `InvalidArgument` / `MalformedDetail`. Delivery happens later, in no promised order.
   */
  putEvents(entries: readonly PutEventsEntry[]): Promise<PutEventsResult>;
  /** Resolves once every accepted event has been delivered or given up (tests and shutdown use it). */
  idle(): Promise<void>;
  /** Refuses new events, gives up pending retries (reported as failures), and waits for deliveries under way. */
  close(): Promise<void>;
  metrics(): BusMetrics;
}

/** Creates an {@link EmbeddedBus}. */
export function createEmbeddedBus(options: EmbeddedBusOptions = {}): EmbeddedBus {
  const { account = "000000000000", region = "local", now = () => new Date() } = options;
  const attempts = Math.max(1, options.deliveryAttempts ?? 3);
  const baseDelay = options.retryBaseDelayMs ?? 100;
  const rules = new Map<string, BusRule>();
  /** Pending retries, each with what to report if the bus closes before it fires. */
  const retryTimers = new Map<NodeJS.Timeout, () => void>();
  let pending = 0;
  let idleWaiters: Array<() => void> = [];
  let closed = false;
  const metrics: BusMetrics = {
    putCalls: 0,
    acceptedEntries: 0,
    failedEntries: 0,
    deliveries: 0,
    retries: 0,
    deadLettered: 0,
    matchedByRule: {},
  };

  function settle(): void {
    pending--;
    if (pending > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  }

  async function deliver(rule: BusRule, event: BusEvent, attempt: number): Promise<void> {
    try {
      metrics.deliveries++;
      await rule.target(event);
      settle();
    } catch (error) {
      if (attempt >= attempts || closed) {
        giveUp(rule, event, error, attempt);
        return;
      }
      metrics.retries++;
      const timer = setTimeout(
        () => {
          retryTimers.delete(timer);
          void deliver(rule, event, attempt + 1);
        },
        baseDelay * 2 ** (attempt - 1),
      );
      retryTimers.set(timer, () => giveUp(rule, event, error, attempt));
    }
  }

  function giveUp(rule: BusRule, event: BusEvent, error: unknown, attemptsMade: number): void {
    metrics.deadLettered++;
    options.onDeliveryFailure?.({ rule: rule.name, event, error, attempts: attemptsMade });
    settle();
  }

  function route(event: BusEvent): void {
    for (const rule of rules.values()) {
      if (!matchesPattern(rule.pattern, event)) continue;
      metrics.matchedByRule[rule.name] = (metrics.matchedByRule[rule.name] ?? 0) + 1;
      pending++;
      setImmediate(() => void deliver(rule, event, 1));
    }
  }

  function envelope(entry: PutEventsEntry, detail: unknown): BusEvent {
    return {
      version: "0",
      id: randomUUID(),
      "detail-type": entry.DetailType,
      source: entry.Source,
      account,
      time: isoSeconds(entry.Time ?? now()),
      region,
      resources: [...(entry.Resources ?? [])],
      detail,
    };
  }

  return {
    addRule(rule) {
      if (rules.has(rule.name))
        throw new PutEventsValidationError(`A rule named "${rule.name}" already exists.`);
      validatePattern(rule.pattern);
      rules.set(rule.name, rule);
    },
    removeRule: (name) => rules.delete(name),
    async putEvents(entries) {
      if (closed) throw new NotRunningError("The embedded bus is closed.");
      metrics.putCalls++;
      if (entries.length < 1 || entries.length > PUT_EVENTS_MAX_ENTRIES) {
        throw new PutEventsValidationError(
          `Entries must hold 1 to ${PUT_EVENTS_MAX_ENTRIES} entries, got ${entries.length}.`,
        );
      }
      const size = entries.reduce((sum, entry) => sum + putEventsEntrySize(entry), 0);
      if (size >= PUT_EVENTS_MAX_BYTES) {
        throw new PutEventsValidationError(
          `Total size of the entries in the request is over the limit: ${size} bytes, must be under ${PUT_EVENTS_MAX_BYTES}.`,
        );
      }
      const results = entries.map((entry): PutEventsResultEntry => {
        const parsed = parsePutEventsEntry(entry);
        if (!("detail" in parsed)) return parsed;
        const event = envelope(entry, parsed.detail);
        route(event);
        return { EventId: event.id };
      });
      const failed = results.filter((r) => r.ErrorCode).length;
      metrics.acceptedEntries += results.length - failed;
      metrics.failedEntries += failed;
      return { FailedEntryCount: failed, Entries: results };
    },
    idle: () => (pending === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    async close() {
      closed = true;
      for (const [timer, report] of retryTimers) {
        clearTimeout(timer);
        report();
      }
      retryTimers.clear();
      if (pending > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    metrics: () => ({ ...metrics, matchedByRule: { ...metrics.matchedByRule } }),
  };
}
