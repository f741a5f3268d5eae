import {
  busPatterns,
  DetailType,
  EventSource,
  HintSchema,
  PUT_EVENTS_MAX_BYTES,
  putEventsEntrySize,
} from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { type BusEvent, createEmbeddedBus } from "../../src/embedded/bus.ts";
import {
  InvalidEventPatternError,
  NotRunningError,
  PutEventsValidationError,
} from "../../src/embedded/errors.ts";

const hint = { cluster: "local", namespace: "default", name: "emqx", cause: "modified" };
const hintEntry = (source: string = EventSource.Forwarder, detail: object = hint) => ({
  Source: source,
  DetailType: DetailType.ReconcileHint,
  Detail: JSON.stringify(detail),
});

/** A bus with the api's real rules, recording what each target received. */
function busWithApiRules() {
  const bus = createEmbeddedBus({ account: "123456789012", region: "eu-west-1" });
  const received: Record<string, BusEvent[]> = {
    reconcileHints: [],
    statusTransitions: [],
    scaleRequests: [],
    reconcileApplied: [],
  };
  for (const [name, pattern] of Object.entries(busPatterns)) {
    bus.addRule({ name, pattern, target: (event) => void received[name]?.push(event) });
  }
  return { bus, received };
}

describe("createEmbeddedBus routing with the api's busPatterns", () => {
  it("routes a forwarder hint to the reconcile rule only, with the EventBridge envelope", async () => {
    const { bus, received } = busWithApiRules();
    const time = new Date("2026-01-02T03:04:05.678Z");
    const result = await bus.putEvents([{ ...hintEntry(), Time: time, Resources: ["arn:x"] }]);
    await bus.idle();

    expect(result.FailedEntryCount).toBe(0);
    expect(received.reconcileHints).toHaveLength(1);
    expect(received.statusTransitions).toHaveLength(0);
    const event = received.reconcileHints?.[0];
    expect(event).toEqual({
      version: "0",
      id: result.Entries[0]?.EventId,
      "detail-type": "ReconcileHint",
      source: "emqx-reconciler.forwarder",
      account: "123456789012",
      time: "2026-01-02T03:04:05Z",
      region: "eu-west-1",
      resources: ["arn:x"],
      detail: hint,
    });
    expect(HintSchema.parse(event?.detail)).toEqual(hint);
  });

  it("accepts hints from every source the reconcile pattern lists, and routes transitions and scale requests apart", async () => {
    const { bus, received } = busWithApiRules();
    const hintSources = busPatterns.reconcileHints.source;
    await bus.putEvents(hintSources.map((source) => hintEntry(source)));
    await bus.putEvents([
      { Source: EventSource.Status, DetailType: DetailType.StatusTransition, Detail: "{}" },
      { Source: EventSource.Reconcile, DetailType: DetailType.ReconcileApplied, Detail: "{}" },
      { Source: EventSource.Reconcile, DetailType: DetailType.ReconcileHint, Detail: "{}" },
      { Source: EventSource.Scale, DetailType: DetailType.ScaleRequest, Detail: "{}" },
      { Source: "someone.else", DetailType: DetailType.ReconcileHint, Detail: "{}" },
      { Source: EventSource.Forwarder, DetailType: DetailType.ScaleRequest, Detail: "{}" },
    ]);
    await bus.idle();

    expect(received.reconcileHints?.map((e) => e.source).sort()).toEqual([...hintSources].sort());
    expect(received.reconcileApplied?.map((e) => e.source)).toEqual([EventSource.Reconcile]);
    expect(received.statusTransitions?.map((e) => e.source)).toEqual([EventSource.Status]);
    expect(received.scaleRequests?.map((e) => e.source)).toEqual([EventSource.Scale]);
    expect(bus.metrics().matchedByRule).toEqual({
      reconcileHints: 4,
      statusTransitions: 1,
      scaleRequests: 1,
      reconcileApplied: 1,
    });
  });

  it("delivers after putEvents returns, never inside it", async () => {
    const { bus, received } = busWithApiRules();
    await bus.putEvents([hintEntry()]);
    expect(received.reconcileHints).toHaveLength(0);
    await bus.idle();
    expect(received.reconcileHints).toHaveLength(1);
  });
});

describe("createEmbeddedBus PutEvents contract", () => {
  it("refuses requests with no entries or more than ten, like a ValidationException", async () => {
    const bus = createEmbeddedBus();
    await expect(bus.putEvents([])).rejects.toThrow(PutEventsValidationError);
    await expect(bus.putEvents(Array.from({ length: 11 }, () => hintEntry()))).rejects.toThrow(
      /1 to 10 entries, got 11/,
    );
    await expect(bus.putEvents(Array.from({ length: 10 }, () => hintEntry()))).resolves.toMatchObject({
      FailedEntryCount: 0,
    });
  });

  it("refuses a request whose entries reach 256 KiB and accepts one just under", async () => {
    const bus = createEmbeddedBus();
    const fixed = putEventsEntrySize({ Source: "s", DetailType: "d", Detail: '{"a":""}' });
    const padding = (n: number) => ({
      Source: "s",
      DetailType: "d",
      Detail: JSON.stringify({ a: "x".repeat(n) }),
    });
    await expect(bus.putEvents([padding(PUT_EVENTS_MAX_BYTES - fixed)])).rejects.toThrow(/over the limit/);
    await expect(bus.putEvents([padding(PUT_EVENTS_MAX_BYTES - fixed - 1)])).resolves.toMatchObject({
      FailedEntryCount: 0,
    });
  });

  it("sizes entries as AWS documents: UTF-8 bytes of each field, 14 for Time", () => {
    const entry = { Source: "é", DetailType: "ab", Detail: '{"k":"€"}', Resources: ["r1", "r2"] };
    expect(putEventsEntrySize(entry)).toBe(2 + 2 + 11 + 4);
    expect(putEventsEntrySize({ ...entry, Time: new Date() })).toBe(2 + 2 + 11 + 4 + 14);
  });

  it("fails bad entries alone, aligned with the request", async () => {
    const bus = createEmbeddedBus();
    const result = await bus.putEvents([
      hintEntry(),
      { Source: "s", DetailType: "d", Detail: "not json" },
      { Source: "s", DetailType: "d", Detail: "[1, 2]" },
      { Source: "", DetailType: "d", Detail: "{}" },
      hintEntry(),
    ]);
    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries.map((e) => e.ErrorCode ?? "ok")).toEqual([
      "ok",
      "MalformedDetail",
      "MalformedDetail",
      "InvalidArgument",
      "ok",
    ]);
    expect(result.Entries[3]?.ErrorMessage).toMatch(/Source/);
    expect(new Set(result.Entries.map((e) => e.EventId)).size).toBe(3);
    expect(bus.metrics()).toMatchObject({ acceptedEntries: 2, failedEntries: 3 });
  });

  it("validates rule patterns when rules are added and keeps names unique", () => {
    const bus = createEmbeddedBus();
    expect(() => bus.addRule({ name: "bad", pattern: { source: "x" }, target: () => {} })).toThrow(
      InvalidEventPatternError,
    );
    bus.addRule({ name: "r", pattern: { source: ["x"] }, target: () => {} });
    expect(() => bus.addRule({ name: "r", pattern: { source: ["y"] }, target: () => {} })).toThrow(
      /already exists/,
    );
    expect(bus.removeRule("r")).toBe(true);
  });
});

describe("createEmbeddedBus delivery", () => {
  it("retries a failing target and then delivers (at least once)", async () => {
    const bus = createEmbeddedBus({ retryBaseDelayMs: 1, deliveryAttempts: 3 });
    let calls = 0;
    const delivered: string[] = [];
    bus.addRule({
      name: "flaky",
      pattern: { source: ["s"] },
      target: (event) => {
        calls++;
        if (calls < 3) throw new Error("target down");
        delivered.push(event.id);
      },
    });
    await bus.putEvents([{ Source: "s", DetailType: "d", Detail: "{}" }]);
    await bus.idle();
    expect(calls).toBe(3);
    expect(delivered).toHaveLength(1);
    expect(bus.metrics()).toMatchObject({ deliveries: 3, retries: 2, deadLettered: 0 });
  });

  it("reports a delivery it gives up on, like a dead-letter queue", async () => {
    const failures: Array<{ rule: string; attempts: number }> = [];
    const bus = createEmbeddedBus({
      retryBaseDelayMs: 1,
      deliveryAttempts: 2,
      onDeliveryFailure: ({ rule, attempts }) => failures.push({ rule, attempts }),
    });
    bus.addRule({
      name: "broken",
      pattern: { source: ["s"] },
      target: () => Promise.reject(new Error("no")),
    });
    await bus.putEvents([{ Source: "s", DetailType: "d", Detail: "{}" }]);
    await bus.idle();
    expect(failures).toEqual([{ rule: "broken", attempts: 2 }]);
    expect(bus.metrics().deadLettered).toBe(1);
  });

  it("closes: refuses new events and reports retries it will not make", async () => {
    const failures: string[] = [];
    const bus = createEmbeddedBus({
      retryBaseDelayMs: 60_000,
      onDeliveryFailure: ({ rule }) => failures.push(rule),
    });
    bus.addRule({
      name: "slow-retry",
      pattern: { source: ["s"] },
      target: () => Promise.reject(new Error("no")),
    });
    await bus.putEvents([{ Source: "s", DetailType: "d", Detail: "{}" }]);
    await new Promise((resolve) => setImmediate(resolve));
    await bus.close();
    expect(failures).toEqual(["slow-retry"]);
    await expect(bus.putEvents([{ Source: "s", DetailType: "d", Detail: "{}" }])).rejects.toThrow(
      NotRunningError,
    );
  });
});
