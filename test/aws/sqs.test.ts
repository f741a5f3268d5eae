/** SQS on the wire (moto): FIFO grouping and deduplication of hints, delayed requeues, poison messages to the DLQ. */
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DelayedHintSchema, HintQueue } from "@emqx-reconciler/adapters/aws";
import type { Hint } from "@emqx-reconciler/api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MotoServer, startMoto } from "./support/moto.ts";
import { createQueue, drain, receiveAll } from "./support/resources.ts";

let moto: MotoServer;
let sqs: SQSClient;
beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient(moto.clientConfig);
});
afterAll(() => moto?.stop());
beforeEach(() => moto.reset());

const hint = (name: string, rv: string, cause: Hint["cause"] = "modified"): Hint => ({
  cluster: "c1",
  namespace: "ns",
  name,
  uid: `uid-${name}`,
  resourceVersion: rv,
  cause,
});

describe("HintQueue on a moto FIFO queue", () => {
  it("delivers one CR's hints in order and holds its group while one is in flight; other CRs go on", async () => {
    const fifo = await createQueue(sqs, "reconcile.fifo");
    const queue = new HintQueue(sqs, { reconcileQueueUrl: fifo.url });
    for (const h of [hint("a", "1"), hint("a", "2"), hint("b", "1"), hint("a", "3")]) await queue.enqueue(h);
    const first = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: fifo.url, MaxNumberOfMessages: 1, VisibilityTimeout: 30 }),
    );
    expect(JSON.parse(first.Messages?.[0]?.Body ?? "{}")).toMatchObject({ name: "a", resourceVersion: "1" });
    const meanwhile = await receiveAll(sqs, fifo.url);
    expect(meanwhile.map((m) => JSON.parse(m.Body ?? "{}").name)).toEqual(["b"]);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: fifo.url,
        ReceiptHandle: first.Messages?.[0]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const rest = await receiveAll(sqs, fifo.url);
    expect(rest.map((m) => JSON.parse(m.Body ?? "{}").resourceVersion)).toEqual(["1", "2", "3"]);
    expect(rest.every((m) => m.Attributes?.MessageGroupId === "c1/ns/a")).toBe(true);
  });

  it("drops the same watch event sent twice but keeps a later change and a later requeue", async () => {
    const fifo = await createQueue(sqs, "reconcile.fifo");
    const queue = new HintQueue(sqs, { reconcileQueueUrl: fifo.url });
    await queue.enqueue(hint("a", "7"));
    await queue.enqueue(hint("a", "7"));
    await queue.enqueue(hint("a", "8"));
    await queue.enqueue(hint("a", "8", "requeue"), "t1");
    await queue.enqueue(hint("a", "8", "requeue"), "t1");
    await queue.enqueue(hint("a", "8", "requeue"), "t2");
    const got = await receiveAll(sqs, fifo.url);
    expect(
      got.map((m) => `${JSON.parse(m.Body ?? "{}").resourceVersion}:${JSON.parse(m.Body ?? "{}").cause}`),
    ).toEqual(["7:modified", "8:modified", "8:requeue", "8:requeue"]);
  });
});

describe("Delayed requeue through a standard queue", () => {
  it("keeps the hint invisible for the delay, then forwards it to the FIFO queue once due", async () => {
    const fifo = await createQueue(sqs, "reconcile.fifo");
    const delay = await createQueue(sqs, "delay");
    const queue = new HintQueue(sqs, { reconcileQueueUrl: fifo.url, delayQueueUrl: delay.url });
    const t0 = Date.now();
    await queue.requeueAfter(hint("a", "5"), 2);
    expect(await receiveAll(sqs, delay.url)).toEqual([]);
    const [message] = await drain(sqs, delay.url, 1, 6000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    const delayed = DelayedHintSchema.parse(JSON.parse(message?.Body ?? ""));
    expect(await queue.forward(delayed)).toBe("admitted");
    const [requeued] = await receiveAll(sqs, fifo.url);
    expect(JSON.parse(requeued?.Body ?? "{}")).toMatchObject({ name: "a", cause: "requeue" });
  });
});

describe("Dead-letter queue", () => {
  it("R17 moves a message that keeps failing to the DLQ after maxReceiveCount receives", async () => {
    const dlq = await createQueue(sqs, "reconcile-dlq.fifo");
    const fifo = await createQueue(sqs, "reconcile.fifo", {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    await new HintQueue(sqs, { reconcileQueueUrl: fifo.url }).enqueue(hint("poison", "1"));
    for (let i = 0; i < 2; i++) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: fifo.url, VisibilityTimeout: 0 }));
      expect(got.Messages).toHaveLength(1);
    }
    expect(await receiveAll(sqs, fifo.url)).toEqual([]);
    const dead = await receiveAll(sqs, dlq.url);
    expect(dead.map((m) => JSON.parse(m.Body ?? "{}").name)).toEqual(["poison"]);
  });
});

describe("Releasing a batch's records early, and retrying failed ones after a backoff", () => {
  it("unlocks a CR's group as soon as its done hint is deleted, and holds a failed one for its delay", async () => {
    const fifo = await createQueue(sqs, "reconcile.fifo", { VisibilityTimeout: "300" });
    const queue = new HintQueue(sqs, { reconcileQueueUrl: fifo.url });
    for (const h of [hint("done", "1"), hint("failed", "1")]) await queue.enqueue(h);
    const batch = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: fifo.url, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }),
    );
    for (const h of [hint("done", "2"), hint("failed", "2")]) await queue.enqueue(h);
    const byName = (name: string) =>
      (batch.Messages ?? []).find((m) => JSON.parse(m.Body ?? "{}").name === name)?.ReceiptHandle ?? "";
    expect((batch.Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}").name).sort()).toEqual([
      "done",
      "failed",
    ]);
    // Both groups are in flight: nothing more is delivered.
    expect(await receiveAll(sqs, fifo.url)).toEqual([]);
    await queue.acknowledge([byName("done")]);
    await queue.retryAfter([{ receiptHandle: byName("failed"), seconds: 5 }]);
    // The done group's next hint comes at once; the failed group waits for its delay, then resumes in order.
    const next = await receiveAll(sqs, fifo.url);
    expect(
      next.map((m) => `${JSON.parse(m.Body ?? "{}").name}:${JSON.parse(m.Body ?? "{}").resourceVersion}`),
    ).toEqual(["done:2"]);
    const retried = await drain(sqs, fifo.url, 2, 15_000);
    expect(
      retried.map((m) => `${JSON.parse(m.Body ?? "{}").name}:${JSON.parse(m.Body ?? "{}").resourceVersion}`),
    ).toEqual(["failed:1", "failed:2"]);
  });
});
