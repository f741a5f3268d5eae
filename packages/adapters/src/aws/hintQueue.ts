import { createHash } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { crKey, type Hint, HintCause, HintSchema } from "@emqx-reconciler/api";
import * as z from "zod";
import { toAwsError } from "./errors.ts";

/** SQS limits: group and deduplication ids are ≤ 128 characters; a message is delayed at most 15 minutes. */
const SQS_ID_MAX = 128;
export const SQS_MAX_DELAY_SECONDS = 900;
/** SQS limits: a visibility timeout is at most 12 hours; a batch call takes at most 10 entries. */
const SQS_MAX_VISIBILITY_SECONDS = 12 * 3600;
const SQS_BATCH_MAX = 10;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += SQS_BATCH_MAX) out.push(items.slice(i, i + SQS_BATCH_MAX));
  return out;
}

function batchFailures(failed: ReadonlyArray<{ Id?: string; Code?: string; Message?: string }> = []): string {
  return failed.map((f) => `entry ${f.Id}: ${f.Code ?? "failed"} ${f.Message ?? ""}`.trim()).join("; ");
}

/** Causes whose `uid:resourceVersion` repeats by design, so their deduplication id needs a nonce. */
const REPEATING_CAUSES: ReadonlySet<string> = new Set([HintCause.Resync, HintCause.Requeue]);

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}

function fitId(id: string): string {
  return id.length <= SQS_ID_MAX ? id : `${id.slice(0, SQS_ID_MAX - 23)}~${shortHash(id)}`;
}

/** The FIFO `MessageGroupId` of a hint: `cluster/namespace/name`, so one CR is never reconciled twice at once. */
export function hintGroupId(hint: Hint): string {
  return fitId(crKey(hint.cluster, hint.namespace, hint.name));
}

/**
 * The FIFO `MessageDeduplicationId` of a hint: `uid:resourceVersion:cause`, so the same watch event forwarded by
 * two overlapping windows is delivered once while a later change (a new resourceVersion) always gets through.
 * Resync and requeue hints repeat the same `uid:resourceVersion` on purpose, so they carry a `nonce` (the sweep's
 * time bucket, the requeue's due time): a redelivery of one is dropped, the next one is not. A hint without a uid
 * uses a hash of its key instead, so two CRs never share an id.
 */
export function hintDeduplicationId(hint: Hint, nonce?: string): string {
  const who = hint.uid ?? `k${shortHash(crKey(hint.cluster, hint.namespace, hint.name))}`;
  const base = `${who}:${hint.resourceVersion ?? "-"}:${hint.cause}`;
  const needsNonce =
    REPEATING_CAUSES.has(hint.cause) || hint.uid === undefined || hint.resourceVersion === undefined;
  return fitId(needsNonce && nonce !== undefined ? `${base}:${nonce}` : base);
}

/** Body of a message on the delay queue: the hint and when it is due. */
export const DelayedHintSchema = z.object({ hint: HintSchema, dueAt: z.iso.datetime() });
/** A parsed delayed hint. */
export type DelayedHint = z.output<typeof DelayedHintSchema>;

/** Where {@link HintQueue} sends. */
export interface HintQueueOptions {
  /** URL of the FIFO reconcile queue. */
  reconcileQueueUrl: string;
  /** URL of the standard queue used for delays (FIFO queues cannot delay one message). */
  delayQueueUrl?: string;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * The SQS side of the loop: hints into the per-CR FIFO queue (group = CR key, deduplication as above), and
 * requeues through a standard queue with per-message `DelaySeconds`. Delays over 15 minutes hop through the
 * delay queue more than once (the body carries `dueAt`).
 */
export class HintQueue {
  private readonly sqs: SQSClient;
  private readonly options: HintQueueOptions;
  private readonly now: () => Date;

  constructor(sqs: SQSClient, options: HintQueueOptions) {
    this.sqs = sqs;
    this.options = options;
    this.now = options.now ?? (() => new Date());
  }

  /** Puts a hint on the reconcile queue; resolves with the SQS message id (the original one for a duplicate). */
  async enqueue(hint: Hint, nonce?: string): Promise<string | undefined> {
    const url = this.options.reconcileQueueUrl;
    try {
      const { SendMessageCommand } = await import("@aws-sdk/client-sqs");
      const out = await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: JSON.stringify(hint),
          MessageGroupId: hintGroupId(hint),
          MessageDeduplicationId: hintDeduplicationId(hint, nonce),
        }),
      );
      return out.MessageId;
    } catch (error) {
      throw toAwsError(`SendMessage of a hint for ${crKey(hint.cluster, hint.namespace, hint.name)}`, error);
    }
  }

  /**
   * Asks for another reconcile of the hint's CR after `seconds` (rounded up to whole seconds). The requeued hint
   * drops the children's digests: they described the watch before this pass, so that pass lists every kind.
   */
  requeueAfter(hint: Hint, seconds: number): Promise<void> {
    const dueAt = new Date(this.now().getTime() + Math.max(0, Math.ceil(seconds)) * 1000);
    const { childDigests: _then, ...requeued } = hint;
    return this.sendDelayed({ hint: { ...requeued, cause: HintCause.Requeue }, dueAt: dueAt.toISOString() });
  }

  /**
   * Moves a delayed hint on: when due, to `admit` (by default straight into the reconcile queue) with its due time
   * as nonce, so a redelivered delay message is deduplicated; else back onto the delay queue for the time left.
   */
  async forward(
    delayed: DelayedHint,
    admit: (hint: Hint, nonce: string) => Promise<unknown> = (hint, nonce) => this.enqueue(hint, nonce),
  ): Promise<"admitted" | "delayed"> {
    const leftMs = Date.parse(delayed.dueAt) - this.now().getTime();
    if (leftMs > 1000) {
      await this.sendDelayed(delayed);
      return "delayed";
    }
    await admit(delayed.hint, String(Date.parse(delayed.dueAt)));
    return "admitted";
  }

  /**
   * Deletes messages of the reconcile queue that are done, before the batch that holds them ends, so their message
   * groups unlock at once (the event source deletes them again at the end of the batch, which is harmless).
   */
  async acknowledge(receiptHandles: readonly string[]): Promise<void> {
    const { DeleteMessageBatchCommand } = await import("@aws-sdk/client-sqs");
    for (const chunk of chunks(receiptHandles)) {
      const Entries = chunk.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle }));
      const out = await this.sqs
        .send(new DeleteMessageBatchCommand({ QueueUrl: this.options.reconcileQueueUrl, Entries }))
        .catch((error: unknown) => Promise.reject(toAwsError("DeleteMessageBatch of done hints", error)));
      if ((out.Failed ?? []).length > 0)
        throw toAwsError("DeleteMessageBatch of done hints", new Error(batchFailures(out.Failed)));
    }
  }

  /**
   * Makes failed messages of the reconcile queue visible again after their own delay (a backoff) instead of the
   * queue's whole visibility timeout.
   */
  async retryAfter(entries: ReadonlyArray<{ receiptHandle: string; seconds: number }>): Promise<void> {
    const { ChangeMessageVisibilityBatchCommand } = await import("@aws-sdk/client-sqs");
    for (const chunk of chunks(entries)) {
      const Entries = chunk.map((e, i) => ({
        Id: String(i),
        ReceiptHandle: e.receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(SQS_MAX_VISIBILITY_SECONDS, Math.ceil(e.seconds))),
      }));
      const out = await this.sqs
        .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.options.reconcileQueueUrl, Entries }))
        .catch((error: unknown) => Promise.reject(toAwsError("ChangeMessageVisibilityBatch", error)));
      if ((out.Failed ?? []).length > 0)
        throw toAwsError("ChangeMessageVisibilityBatch", new Error(batchFailures(out.Failed)));
    }
  }

  private async sendDelayed(delayed: DelayedHint): Promise<void> {
    const url = this.options.delayQueueUrl;
    if (!url) throw toAwsError("Requeue", new Error("No delay queue is configured."));
    const leftSeconds = Math.ceil((Date.parse(delayed.dueAt) - this.now().getTime()) / 1000);
    try {
      const { SendMessageCommand } = await import("@aws-sdk/client-sqs");
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: JSON.stringify(delayed),
          DelaySeconds: Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, leftSeconds)),
        }),
      );
    } catch (error) {
      const { cluster, namespace, name } = delayed.hint;
      throw toAwsError(`SendMessage of a delayed hint for ${crKey(cluster, namespace, name)}`, error);
    }
  }
}
