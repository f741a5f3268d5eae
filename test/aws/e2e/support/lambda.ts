/**
 * The Lambda service, played in-process: what moto delivers (SQS messages, rule targets stood in by queues) is
 * turned into the exact events Lambda would hand our handlers, the handlers run, and the messages are deleted or
 * left for redelivery according to their answer — SQS receive → handler → delete.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { lambdaContext } from "../../../../packages/functions/test/context.ts";
import { MOTO_ACCOUNT, MOTO_REGION } from "../../support/moto.ts";

/** A Lambda handler as middy exports it. */
export type Handler = (event: never, context: never) => Promise<unknown>;

/** A queue as the driver knows it. */
export interface QueueRef {
  url: string;
  arn: string;
}

async function receive(sqs: SQSClient, queue: QueueRef, waitSeconds = 0): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ["All"],
    }),
  );
  return out.Messages ?? [];
}

async function remove(sqs: SQSClient, queue: QueueRef, messages: Message[]): Promise<void> {
  if (messages.length === 0) return;
  const Entries = messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
  await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queue.url, Entries }));
}

/** Makes failed messages visible again at once (the test does not wait out a visibility timeout). */
async function release(sqs: SQSClient, queue: QueueRef, messages: Message[], seconds: number): Promise<void> {
  if (messages.length === 0) return;
  const Entries = messages.map((m, i) => ({
    Id: String(i),
    ReceiptHandle: m.ReceiptHandle,
    VisibilityTimeout: seconds,
  }));
  await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queue.url, Entries }));
}

/** The record Lambda's SQS event source builds from a received message. */
export function sqsRecord(message: Message, queue: QueueRef): SQSRecord {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? "1",
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? MOTO_ACCOUNT,
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
      ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
      ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queue.arn,
    awsRegion: MOTO_REGION,
  };
}

/** What the SQS event source driver reports of one batch, and how it treats failed records. */
export interface PollOptions {
  /** Sees every batch handed to the handler and the ids it reported failed. */
  onBatch?: (batch: { records: SQSRecord[]; failed: ReadonlySet<string> }) => void;
  /**
   * Leaves failed records as the handler set them (Lambda's own behaviour, the handler's backoff). By default they
   * are visible again after 1 s, so a test does not wait out a visibility timeout.
   */
  keepHandlerVisibility?: boolean;
  /**
   * Long-polls: waits up to this long for a first message (Lambda's event source long-polls, so a message is
   * handed over as soon as it is visible). @default 0
   */
  waitSeconds?: number;
}

/**
 * SQS event source: one batch from `queue` to `handler`; records the handler reports as failed (partial batch
 * response) or all of them when it throws are released for redelivery, the rest deleted. Returns the batch size.
 */
export async function pollQueue(
  sqs: SQSClient,
  queue: QueueRef,
  handler: Handler,
  name: string,
  options: PollOptions = {},
): Promise<number> {
  const messages = await receive(sqs, queue, options.waitSeconds);
  if (messages.length === 0) return 0;
  const event: SQSEvent = { Records: messages.map((m) => sqsRecord(m, queue)) };
  let failedIds: Set<string>;
  try {
    const answer = (await handler(event as never, lambdaContext(name) as never)) as {
      batchItemFailures?: Array<{ itemIdentifier: string }>;
    };
    failedIds = new Set((answer?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch {
    failedIds = new Set(messages.map((m) => m.MessageId ?? ""));
  }
  options.onBatch?.({ records: event.Records, failed: failedIds });
  await remove(
    sqs,
    queue,
    messages.filter((m) => !failedIds.has(m.MessageId ?? "")),
  );
  if (!options.keepHandlerVisibility)
    await release(
      sqs,
      queue,
      messages.filter((m) => failedIds.has(m.MessageId ?? "")),
      1,
    );
  return messages.length;
}

/**
 * A bus rule's Lambda target, stood in by a queue the rule delivers to (moto runs no functions): each delivered
 * event is invoked asynchronously as Lambda would, then deleted. moto leaves `account` out of the events it
 * delivers (AWS always sets it), so the driver fills it in before the handler's envelope parser sees the event.
 * `waitSeconds` long-polls the inbox for that long (EventBridge invokes a target as soon as the event matches).
 */
export async function pollRuleTarget(
  sqs: SQSClient,
  inbox: QueueRef,
  handler: Handler,
  name: string,
  waitSeconds = 0,
): Promise<number> {
  const messages = await receive(sqs, inbox, waitSeconds);
  const failed: Message[] = [];
  for (const message of messages) {
    const event = JSON.parse(message.Body ?? "{}") as Record<string, unknown>;
    event.account ??= MOTO_ACCOUNT;
    // Lambda retries a failed async invocation; here the event simply stays on the inbox for the next poll.
    await handler(event as never, lambdaContext(name) as never).catch(() => failed.push(message));
  }
  await remove(
    sqs,
    inbox,
    messages.filter((m) => !failed.includes(m)),
  );
  await release(sqs, inbox, failed, 1);
  return messages.length;
}
