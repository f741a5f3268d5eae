import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { Hint } from "@emqx-reconciler/api";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { DelayedHintSchema, HintQueue, hintDeduplicationId, hintGroupId } from "../../src/aws/index.ts";

const sqs = mockClient(SQSClient);
const hint: Hint = {
  cluster: "prod",
  namespace: "mq",
  name: "emqx",
  uid: "u-1",
  resourceVersion: "42",
  cause: "modified",
};
const t0 = new Date("2026-11-25T10:00:00Z");

describe("Function: hintGroupId", () => {
  it("is the CR key, and stays within 128 characters for very long keys while staying distinct", () => {
    expect(hintGroupId(hint)).toBe("prod/mq/emqx");
    const a = hintGroupId({ ...hint, name: "n".repeat(200) });
    const b = hintGroupId({ ...hint, name: `${"n".repeat(199)}m` });
    expect(a.length).toBeLessThanOrEqual(128);
    expect(a).not.toBe(b);
  });
});

describe("Function: hintDeduplicationId", () => {
  it("is uid:resourceVersion:cause for watch hints, so the same event from two windows collapses", () => {
    expect(hintDeduplicationId(hint)).toBe("u-1:42:modified");
    expect(hintDeduplicationId(hint, "ignored")).toBe("u-1:42:modified");
    expect(hintDeduplicationId({ ...hint, resourceVersion: "43" })).not.toBe(hintDeduplicationId(hint));
  });

  it("adds the nonce for resync and requeue hints, whose uid:resourceVersion repeats on purpose", () => {
    expect(hintDeduplicationId({ ...hint, cause: "requeue" }, "1764064800000")).toBe(
      "u-1:42:requeue:1764064800000",
    );
    expect(hintDeduplicationId({ ...hint, cause: "resync" }, "b1")).not.toBe(
      hintDeduplicationId({ ...hint, cause: "resync" }, "b2"),
    );
  });

  it("keys hints without a uid by a hash of the CR key, so two CRs never share an id", () => {
    const bare = { cluster: "prod", namespace: "mq", cause: "requeue" as const };
    const a = hintDeduplicationId({ ...bare, name: "a" }, "n");
    const b = hintDeduplicationId({ ...bare, name: "b" }, "n");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^k[\w-]{22}:-:requeue:n$/);
  });
});

describe("Class: HintQueue", () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });
  });
  const queue = () =>
    new HintQueue(new SQSClient({ region: "eu-west-1" }), {
      reconcileQueueUrl: "https://sqs/fifo.fifo",
      delayQueueUrl: "https://sqs/delay",
      now: () => t0,
    });

  it("enqueues the hint as the body with the CR key as group and the dedup id", async () => {
    expect(await queue().enqueue(hint)).toBe("m-1");
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: "https://sqs/fifo.fifo",
      MessageBody: JSON.stringify(hint),
      MessageGroupId: "prod/mq/emqx",
      MessageDeduplicationId: "u-1:42:modified",
    });
  });

  it("requeues through the delay queue with DelaySeconds capped at 900 and the due time in the body", async () => {
    await queue().requeueAfter(hint, 4.2);
    await queue().requeueAfter(hint, 3600);
    const [short, long] = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(short?.DelaySeconds).toBe(5);
    expect(long?.DelaySeconds).toBe(900);
    const body = DelayedHintSchema.parse(JSON.parse(long?.MessageBody ?? ""));
    expect(body).toEqual({ hint: { ...hint, cause: "requeue" }, dueAt: "2026-11-25T11:00:00.000Z" });
  });

  it("requeues without the children's digests, so the later pass lists every kind", async () => {
    await queue().requeueAfter({ ...hint, cause: "child", childDigests: { Pod: "1.ab" } }, 5);
    const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(DelayedHintSchema.parse(JSON.parse(sent?.MessageBody ?? "")).hint).toEqual({
      ...hint,
      cause: "requeue",
    });
  });

  it("forwards a due delayed hint to the FIFO queue with its due time as nonce, and re-delays one not yet due", async () => {
    const due = { hint: { ...hint, cause: "requeue" as const }, dueAt: t0.toISOString() };
    const later = { ...due, dueAt: new Date(t0.getTime() + 1_800_000).toISOString() };
    expect(await queue().forward(due)).toBe("admitted");
    expect(await queue().forward(later)).toBe("delayed");
    const [first, second] = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(first?.MessageDeduplicationId).toBe(`u-1:42:requeue:${t0.getTime()}`);
    expect(second).toMatchObject({ QueueUrl: "https://sqs/delay", DelaySeconds: 900 });
  });

  it("classifies a throttled send as retryable and names the CR", async () => {
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error("slow"), { name: "ThrottlingException", $metadata: {} }));
    await expect(queue().enqueue(hint)).rejects.toMatchObject({
      kind: "retryable",
      message: expect.stringContaining("prod/mq/emqx"),
    });
  });
});

describe("HintQueue.acknowledge and retryAfter", () => {
  beforeEach(() => sqs.reset());

  it("deletes in batches of 10 and names an entry SQS refused", async () => {
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = new HintQueue(new SQSClient({ region: "eu-west-1" }), { reconcileQueueUrl: "q" });
    await queue.acknowledge(Array.from({ length: 12 }, (_, i) => `r${i}`));
    const calls = sqs.commandCalls(DeleteMessageBatchCommand).map((c) => c.args[0].input.Entries?.length);
    expect(calls).toEqual([10, 2]);
    sqs
      .on(DeleteMessageBatchCommand)
      .resolves({ Failed: [{ Id: "0", Code: "ReceiptHandleIsInvalid", SenderFault: true }] });
    await expect(queue.acknowledge(["stale"])).rejects.toThrow("entry 0: ReceiptHandleIsInvalid");
  });

  it("sets each failed message's own visibility, whole seconds within SQS's 12 h", async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = new HintQueue(new SQSClient({ region: "eu-west-1" }), { reconcileQueueUrl: "q" });
    await queue.retryAfter([
      { receiptHandle: "a", seconds: 29.2 },
      { receiptHandle: "b", seconds: 1e9 },
    ]);
    const [call] = sqs.commandCalls(ChangeMessageVisibilityBatchCommand);
    expect(call?.args[0].input).toEqual({
      QueueUrl: "q",
      Entries: [
        { Id: "0", ReceiptHandle: "a", VisibilityTimeout: 30 },
        { Id: "1", ReceiptHandle: "b", VisibilityTimeout: 43_200 },
      ],
    });
  });
});
