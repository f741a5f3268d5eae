/**
 * The declared topology (infra/topology.ts, which the SST files build) checked without SST or AWS: every event
 * kind our components emit reaches exactly the rules it must, and every function named exists and exports a
 * Lambda `handler`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  busPatterns,
  DetailType,
  EventSource,
  type Hint,
  HintCause,
  type PutEventsEntry,
} from "@emqx-reconciler/api";
import { HANDLER_NAMES } from "@emqx-reconciler/functions/handlers";
import { createHintBatcher, matchesPattern } from "@emqx-reconciler/runtime";
import { describe, expect, it } from "vitest";
import * as topology from "../../infra/topology.ts";

function envelope(entry: PutEventsEntry) {
  return {
    version: "0",
    id: "1",
    "detail-type": entry.DetailType,
    source: entry.Source,
    account: "123456789012",
    time: "2026-11-25T10:00:00Z",
    region: "eu-west-1",
    resources: [],
    detail: JSON.parse(entry.Detail),
  };
}

function rulesMatching(entry: PutEventsEntry): string[] {
  return Object.entries(topology.rules)
    .filter(([, rule]) => matchesPattern(rule.pattern, envelope(entry)))
    .map(([name]) => name);
}

/** What the forwarder's batcher really puts on the bus for one hint of every cause. */
async function forwarderEntries(): Promise<PutEventsEntry[]> {
  const sent: PutEventsEntry[] = [];
  const batcher = createHintBatcher({
    windowMs: 1,
    publisher: {
      async putEvents(entries) {
        sent.push(...entries);
        return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: "x" })) };
      },
    },
  });
  for (const [i, cause] of Object.values(HintCause).entries()) {
    const hint: Hint = {
      cluster: "c",
      namespace: "ns",
      name: `cr-${i}`,
      uid: "u",
      resourceVersion: "1",
      cause,
    };
    batcher.add(hint);
  }
  await batcher.close();
  return sent;
}

describe("Rules of the deployed bus", () => {
  it("are the api's pattern objects themselves", () => {
    expect(topology.rules.reconcileHints.pattern).toBe(busPatterns.reconcileHints);
    expect(topology.rules.scaleRequests.pattern).toBe(busPatterns.scaleRequests);
  });

  it("route every hint the forwarder emits, whatever its cause, to admission only", async () => {
    const entries = await forwarderEntries();
    expect(entries).toHaveLength(Object.values(HintCause).length);
    for (const entry of entries) expect(rulesMatching(entry), entry.Detail).toEqual(["reconcileHints"]);
  });

  it("route resync, status and scale hints to admission, scale requests to scale, and nothing else anywhere", () => {
    const entry = (Source: string, DetailType: string): PutEventsEntry => ({
      Source,
      DetailType,
      Detail: "{}",
    });
    expect(rulesMatching(entry(EventSource.Resync, DetailType.ReconcileHint))).toEqual(["reconcileHints"]);
    expect(rulesMatching(entry(EventSource.Status, DetailType.ReconcileHint))).toEqual(["reconcileHints"]);
    expect(rulesMatching(entry(EventSource.Scale, DetailType.ScaleRequest))).toEqual(["scaleRequests"]);
    expect(rulesMatching(entry(EventSource.Status, DetailType.StatusTransition))).toEqual([]);
    expect(rulesMatching(entry("someone.else", DetailType.ReconcileHint))).toEqual([]);
    expect(rulesMatching(entry(EventSource.Forwarder, DetailType.ScaleRequest))).toEqual([]);
  });
});

describe("Functions of the topology", () => {
  it("are exactly the functions package's handlers, each a file exporting a handler function", async () => {
    expect(Object.keys(topology.functions).sort()).toEqual([...HANDLER_NAMES].sort());
    for (const name of HANDLER_NAMES) {
      const file = join(import.meta.dirname, "..", "..", "packages", "functions", "src", `${name}.ts`);
      expect(existsSync(file), file).toBe(true);
      const module = (await import(file)) as { handler?: unknown };
      expect(typeof module.handler, name).toBe("function");
    }
  });

  it("wire every rule and queue to the function triggered by it, and schedules to scheduled functions", () => {
    for (const [name, rule] of Object.entries(topology.rules)) {
      expect(topology.functions[rule.target].trigger).toEqual({ kind: "rule", rule: name });
    }
    const consumers = Object.values(topology.functions).flatMap((f) =>
      f.trigger.kind === "queue" ? [f.trigger.queue] : [],
    );
    expect(consumers.sort()).toEqual(Object.keys(topology.queues).sort());
    expect(
      topology.HINT_PUBLISHERS.every((name) => topology.functions[name].trigger.kind === "schedule"),
    ).toBe(true);
  });

  it("R17 set retries and retention explicitly, never AWS's defaults by accident", () => {
    expect(topology.RULE_RETRY.maximumEventAgeInSeconds).toBeLessThan(86_400);
    expect(topology.RULE_RETRY.maximumRetryAttempts).toBeLessThan(185);
    expect(topology.ASYNC_MAX_EVENT_AGE_SECONDS).toBeLessThan(6 * 3600);
    for (const queue of Object.values(topology.queues)) {
      expect(queue.maxReceiveCount).toBeGreaterThan(1);
      expect(queue.retentionSeconds).toBeGreaterThanOrEqual(86_400);
      expect(queue.retentionSeconds).toBeLessThanOrEqual(topology.DLQ_RETENTION_SECONDS);
    }
    const reconcile = topology.functions.reconcile;
    expect(topology.queues.reconcile.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
      6 * reconcile.timeoutSeconds,
    );
    expect(topology.functions.forwarder.timeoutSeconds).toBeGreaterThan(
      topology.schedules.forwarder.windowSeconds,
    );
  });
});
