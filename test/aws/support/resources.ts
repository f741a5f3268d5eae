/** Small helpers to create and drain moto resources in the wire tests. */
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

/** Creates a queue and returns its URL and ARN. */
export async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<{ url: string; arn: string }> {
  const fifo = name.endsWith(".fifo") ? { FifoQueue: "true" } : {};
  const out = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { ...fifo, ...attributes } }),
  );
  const url = out.QueueUrl ?? "";
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  return { url, arn: attrs.Attributes?.QueueArn ?? "" };
}

/** Receives until `count` messages arrived or `timeoutMs` passed, deleting each; returns them in arrival order. */
export async function drain(
  sqs: SQSClient,
  url: string,
  count: number,
  timeoutMs = 5000,
): Promise<Message[]> {
  const got: Message[] = [];
  const until = Date.now() + timeoutMs;
  do {
    const wait = Math.min(1, Math.floor((until - Date.now()) / 1000));
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, count - got.length),
        WaitTimeSeconds: Math.max(0, wait),
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const messages = out.Messages ?? [];
    got.push(...messages);
    if (messages.length === 0) continue;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  } while (got.length < count && Date.now() < until);
  return got;
}

/**
 * Everything on the queue now, deleted as read. moto delivers rule targets inside the PutEvents call, so after a
 * publish resolves this sees every delivered message without waiting.
 */
export async function receiveAll(sqs: SQSClient, url: string): Promise<Message[]> {
  const got: Message[] = [];
  for (;;) {
    const batch = await drain(sqs, url, 10, 0);
    got.push(...batch);
    if (batch.length === 0) return got;
  }
}
