/** EventBridge on the wire (moto): PutEvents batching and resends, and our rules routing each event kind. */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { SQSClient } from "@aws-sdk/client-sqs";
import { EventPublisher, eventBridgeTarget } from "@emqx-reconciler/adapters/aws";
import { busPatterns, DetailType, EventSource, type Hint, type PutEventsEntry } from "@emqx-reconciler/api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFaultProxy } from "./support/faultProxy.ts";
import { type MotoServer, startMoto } from "./support/moto.ts";
import { createQueue, drain, receiveAll } from "./support/resources.ts";

let moto: MotoServer;
let eb: EventBridgeClient;
let sqs: SQSClient;

beforeAll(async () => {
  moto = await startMoto();
  eb = new EventBridgeClient(moto.clientConfig);
  sqs = new SQSClient(moto.clientConfig);
});
afterAll(() => moto?.stop());
beforeEach(() => moto.reset());

/** A bus with one rule per api pattern, each delivering to its own queue. */
async function busWithRules(): Promise<Record<keyof typeof busPatterns, string>> {
  await eb.send(new CreateEventBusCommand({ Name: "emqx" }));
  const urls: Record<string, string> = {};
  for (const [name, pattern] of Object.entries(busPatterns)) {
    const queue = await createQueue(sqs, name);
    await eb.send(
      new PutRuleCommand({ Name: name, EventBusName: "emqx", EventPattern: JSON.stringify(pattern) }),
    );
    await eb.send(
      new PutTargetsCommand({ Rule: name, EventBusName: "emqx", Targets: [{ Id: "q", Arn: queue.arn }] }),
    );
    urls[name] = queue.url;
  }
  return urls as Record<keyof typeof busPatterns, string>;
}

function hintEntries(n: number, source: string = EventSource.Forwarder): PutEventsEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const hint: Hint = {
      cluster: "c1",
      namespace: "ns",
      name: `emqx-${i}`,
      uid: `u${i}`,
      resourceVersion: "1",
      cause: "added",
    };
    return { Source: source, DetailType: DetailType.ReconcileHint, Detail: JSON.stringify(hint) };
  });
}

function names(messages: Array<{ Body?: string }>): string[] {
  return messages.map((m) => (JSON.parse(m.Body ?? "{}") as { detail: Hint }).detail.name).sort();
}

describe("PutEvents batching against moto", () => {
  it("publishes 95 hints in ≤ 10-entry requests and every hint reaches the rule's queue exactly once", async () => {
    const urls = await busWithRules();
    const publisher = new EventPublisher(eventBridgeTarget(eb, "emqx"));
    const result = await publisher.publish(hintEntries(95));
    expect(result.FailedEntryCount).toBe(0);
    expect(publisher.stats.calls).toBe(10);
    const delivered = await drain(sqs, urls.reconcileHints, 95);
    expect(names(delivered)).toEqual(
      hintEntries(95)
        .map((e) => JSON.parse(e.Detail).name)
        .sort(),
    );
    expect(await receiveAll(sqs, urls.reconcileHints)).toEqual([]);
  });

  it("R16 resends only the throttled entries: no duplicates, no losses, and refused entries are not resent", async () => {
    const urls = await busWithRules();
    const proxy = await startFaultProxy(moto.endpoint, (call) =>
      call === 0 ? [1, 4, 7] : call === 1 ? [0] : [],
    );
    try {
      const client = new EventBridgeClient({ ...moto.clientConfig, endpoint: proxy.endpoint });
      const entries = [
        ...hintEntries(9),
        { Source: EventSource.Forwarder, DetailType: DetailType.ReconcileHint, Detail: "not json" },
      ];
      const result = await new EventPublisher(eventBridgeTarget(client, "emqx"), { baseDelayMs: 10 }).publish(
        entries,
      );
      expect(proxy.calls).toEqual([10, 3, 1]);
      expect(result.Entries.map((e) => e.ErrorCode)).toEqual([
        ...Array(9).fill(undefined),
        "MalformedDetail",
      ]);
      expect(names(await drain(sqs, urls.reconcileHints, 9))).toEqual(
        hintEntries(9)
          .map((e) => JSON.parse(e.Detail).name)
          .sort(),
      );
      expect(await receiveAll(sqs, urls.reconcileHints)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe("Rules built from the api's busPatterns, on moto", () => {
  it("route hints, scale requests and status transitions each to their own target, and nothing else", async () => {
    const urls = await busWithRules();
    const scale = { cluster: "c1", namespace: "ns", name: "emqx", role: "replicant", replicas: 5 };
    const entries: PutEventsEntry[] = [
      ...hintEntries(1, EventSource.Forwarder),
      ...hintEntries(1, EventSource.Resync),
      { Source: EventSource.Scale, DetailType: DetailType.ScaleRequest, Detail: JSON.stringify(scale) },
      {
        Source: EventSource.Status,
        DetailType: DetailType.StatusTransition,
        Detail: JSON.stringify({ name: "t" }),
      },
      {
        Source: "someone.else",
        DetailType: DetailType.ReconcileHint,
        Detail: JSON.stringify({ name: "spoof" }),
      },
      { Source: EventSource.Forwarder, DetailType: "Other", Detail: JSON.stringify({ name: "other" }) },
    ];
    expect((await new EventPublisher(eventBridgeTarget(eb, "emqx")).publish(entries)).FailedEntryCount).toBe(
      0,
    );
    const hints = await receiveAll(sqs, urls.reconcileHints);
    const scales = await receiveAll(sqs, urls.scaleRequests);
    const transitions = await receiveAll(sqs, urls.statusTransitions);
    expect(hints.map((m) => JSON.parse(m.Body ?? "{}").source).sort()).toEqual([
      EventSource.Forwarder,
      EventSource.Resync,
    ]);
    expect(scales.map((m) => JSON.parse(m.Body ?? "{}").detail)).toEqual([scale]);
    expect(transitions.map((m) => JSON.parse(m.Body ?? "{}").detail.name)).toEqual(["t"]);
  });
});
