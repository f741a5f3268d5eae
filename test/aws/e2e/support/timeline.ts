/**
 * Where the AWS path's time goes: every handler invocation of the in-process flow, when it started and ended and
 * how many Kubernetes requests the shared gateway counted meanwhile, printed relative to a moment (the apply).
 */
import type { KubeGateway } from "@emqx-reconciler/adapters";
import type { SQSEvent } from "aws-lambda";
import type { Handlers } from "./driver.ts";
import { passesIn } from "./passes.ts";

/** One handler invocation. `passes`: the distinct FIFO groups of a reconcile batch (one pass each). */
export interface TimelineEntry {
  name: keyof Handlers;
  startMs: number;
  endMs: number;
  passes: number;
  /** Requests the gateway counted between start and end (other handlers running at once included). */
  requests: number;
  /** How many of those requests were reads. */
  reads: number;
  /** Milliseconds those requests waited for the client rate limit, summed. */
  throttledMs: number;
}

/** The handlers, each recording its invocations into the timeline. */
export interface TimedHandlers {
  handlers: Handlers;
  entries: TimelineEntry[];
  /** Reconcile passes recorded since the last reset. */
  passes(): number;
  /** `name +start–end (n req, r reads, w ms rate-limited)` for every invocation that ended after `fromMs` (forwarder windows left out). */
  describe(fromMs: number): string;
  reset(): void;
}

/** Wraps every handler; `gateway` is the one the functions use for the measured cluster. */
export function timedHandlers(handlers: Handlers, gateway: KubeGateway): TimedHandlers {
  const entries: TimelineEntry[] = [];
  const requests = () => {
    const stats = gateway.stats();
    return { count: stats.reads + stats.writes, reads: stats.reads, throttledMs: stats.throttled.ms };
  };
  const wrap =
    (name: keyof Handlers): Handlers[keyof Handlers] =>
    async (event, context) => {
      const startMs = Date.now();
      const before = requests();
      const passes = name === "reconcile" ? passesIn(event as SQSEvent) : 0;
      try {
        return await handlers[name](event, context);
      } finally {
        entries.push({
          name,
          startMs,
          endMs: Date.now(),
          passes,
          requests: Math.max(0, requests().count - before.count),
          reads: Math.max(0, requests().reads - before.reads),
          throttledMs: Math.max(0, requests().throttledMs - before.throttledMs),
        });
      }
    };
  const wrapped = Object.fromEntries(
    (Object.keys(handlers) as Array<keyof Handlers>).map((name) => [name, wrap(name)]),
  ) as Handlers;
  return {
    handlers: wrapped,
    entries,
    passes: () => entries.reduce((n, e) => n + e.passes, 0),
    describe(fromMs) {
      const s = (ms: number) => ((ms - fromMs) / 1000).toFixed(2);
      return entries
        .filter((e) => e.endMs >= fromMs && e.name !== "forwarder")
        .sort((a, b) => a.startMs - b.startMs)
        .map((e) => {
          const what = e.name === "reconcile" ? `${e.passes} pass${e.passes === 1 ? "" : "es"}, ` : "";
          const waited = e.throttledMs > 0 ? `, ${e.throttledMs.toFixed(0)} ms rate-limited` : "";
          return `${e.name} +${s(e.startMs)}–${s(e.endMs)} (${what}${e.requests} req, ${e.reads} reads${waited})`;
        })
        .join("; ");
    },
    reset() {
      entries.length = 0;
    },
  };
}
