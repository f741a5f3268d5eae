import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { PUT_EVENTS_MAX_BYTES, type PutEventsEntry } from "@emqx-reconciler/api";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EventPublisher, eventBridgeTarget, packBatches } from "../../src/aws/index.ts";

const eb = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: "eu-west-1" });

function entries(n: number, detailBytes = 20): PutEventsEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    Source: "emqx-reconciler.forwarder",
    DetailType: "ReconcileHint",
    Detail: JSON.stringify({ i, pad: "x".repeat(Math.max(0, detailBytes - 20)) }),
  }));
}

/** Detail `i` values of each PutEvents call, in call order. */
function sentIds(): number[][] {
  return eb
    .commandCalls(PutEventsCommand)
    .map((c) =>
      (c.args[0].input.Entries ?? []).map((e) => (JSON.parse(e.Detail ?? "{}") as { i: number }).i),
    );
}

const noSleep = { sleep: async () => undefined, random: () => 0.5 };

describe("Function: packBatches", () => {
  it("keeps order, ≤ 10 entries per request and every request under 256 KB", () => {
    const big = entries(5, 100_000);
    expect(packBatches([0, 1, 2, 3, 4], big)).toEqual([[0, 1], [2, 3], [4]]);
    expect(packBatches([...Array(23).keys()], entries(23)).map((b) => b.length)).toEqual([10, 10, 3]);
  });
});

describe("Class: EventPublisher", () => {
  beforeEach(() => eb.reset());

  it("sends 23 entries as three requests to the named bus and answers one result per entry", async () => {
    // Prepare
    eb.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `id-${i}` })),
    }));
    const publisher = new EventPublisher(eventBridgeTarget(client, "bus-a"), { ...noSleep, maxInFlight: 1 });
    // Act
    const result = await publisher.publish(entries(23));
    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toHaveLength(23);
    expect(sentIds().map((b) => b.length)).toEqual([10, 10, 3]);
    expect(eb.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.EventBusName).toBe("bus-a");
  });

  it("R16 resends only the entries that failed with a retryable code, and reports refused ones without resending", async () => {
    eb.on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: "a" },
          { ErrorCode: "ThrottlingException", ErrorMessage: "slow down" },
          { ErrorCode: "MalformedDetail", ErrorMessage: "bad" },
          { EventId: "d" },
        ],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: "b2" }] });
    const publisher = new EventPublisher(eventBridgeTarget(client, "bus"), noSleep);
    const result = await publisher.publish(entries(4));
    expect(sentIds()).toEqual([[0, 1, 2, 3], [1]]);
    expect(result.Entries.map((e) => e.EventId ?? e.ErrorCode)).toEqual(["a", "b2", "MalformedDetail", "d"]);
    expect(result.FailedEntryCount).toBe(1);
    expect(publisher.stats).toMatchObject({ calls: 2, resent: 1, sent: 3, failed: 1 });
  });

  it("retries a request throttled as a whole, backing off with growing capped delays", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 400 },
    });
    eb.on(PutEventsCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: "x" }, { EventId: "y" }] });
    const delays: number[] = [];
    const publisher = new EventPublisher(eventBridgeTarget(client, "bus"), {
      sleep: async (ms) => void delays.push(ms),
      random: () => 1,
      baseDelayMs: 100,
    });
    const result = await publisher.publish(entries(2));
    expect(result.FailedEntryCount).toBe(0);
    expect(delays).toEqual([100, 200]);
  });

  it("gives up after maxAttempts and reports the last error code for each entry", async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure" }] });
    const publisher = new EventPublisher(eventBridgeTarget(client, "bus"), { ...noSleep, maxAttempts: 3 });
    const result = await publisher.publish(entries(1));
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(3);
    expect(result.Entries[0]?.ErrorCode).toBe("InternalFailure");
  });

  it("does not retry a request refused for good (access denied) and names the code per entry", async () => {
    eb.on(PutEventsCommand).rejects(
      Object.assign(new Error("not allowed"), {
        name: "AccessDeniedException",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const publisher = new EventPublisher(eventBridgeTarget(client, "bus"), noSleep);
    const result = await publisher.publish(entries(3));
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(result.Entries.map((e) => e.ErrorCode)).toEqual(Array(3).fill("AccessDeniedException"));
  });

  it("refuses an entry that alone is over the size limit without sending it", async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "ok" }] });
    const publisher = new EventPublisher(eventBridgeTarget(client, "bus"), noSleep);
    const result = await publisher.publish([...entries(1, PUT_EVENTS_MAX_BYTES), ...entries(1)]);
    expect(result.Entries[0]?.ErrorCode).toBe("EntryTooLarge");
    expect(sentIds()).toHaveLength(1);
  });

  it("publishes to any PutEvents target, such as an in-process bus", async () => {
    const seen: PutEventsEntry[] = [];
    const target = {
      async putEvents(batch: readonly PutEventsEntry[]) {
        seen.push(...batch);
        return { FailedEntryCount: 0, Entries: batch.map(() => ({ EventId: "local" })) };
      },
    };
    const result = await new EventPublisher(target).publish(entries(12));
    expect(result.FailedEntryCount).toBe(0);
    expect(seen).toHaveLength(12);
  });
});
