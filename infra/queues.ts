/** The per-CR FIFO reconcile queue, the delay queue for requeues, and a DLQ on every asynchronous edge. */
import { DLQ_RETENTION_SECONDS, queues } from "./topology.ts";

function deadLetterQueue(name: string, fifo: boolean) {
  return new sst.aws.Queue(name, {
    fifo,
    transform: { queue: { messageRetentionSeconds: DLQ_RETENTION_SECONDS, sqsManagedSseEnabled: true } },
  });
}

/** Poison hints after `maxReceiveCount` failed reconciles (FIFO, as a FIFO source requires). */
export const reconcileDlq = deadLetterQueue("ReconcileDlq", true);
/** Delayed hints that kept failing to re-enter admission. */
export const delayDlq = deadLetterQueue("DelayDlq", false);
/** Events EventBridge could not hand to a function (permissions, throttling beyond the retry policy). */
export const ruleDlq = deadLetterQueue("RuleDlq", false);
/** Async invocations (rules, schedules) whose function failed after Lambda's retries. */
export const asyncDlq = deadLetterQueue("AsyncDlq", false);
/** Schedules EventBridge Scheduler could not invoke. */
export const scheduleDlq = deadLetterQueue("ScheduleDlq", false);

/** Hints, grouped by CR key: one CR is never reconciled twice at once. Dedup is per group (high throughput). */
export const reconcileQueue = new sst.aws.Queue("ReconcileQueue", {
  fifo: true,
  visibilityTimeout: `${queues.reconcile.visibilityTimeoutSeconds} seconds`,
  dlq: { queue: reconcileDlq.arn, retry: queues.reconcile.maxReceiveCount },
  transform: {
    queue: {
      messageRetentionSeconds: queues.reconcile.retentionSeconds,
      deduplicationScope: "messageGroup",
      fifoThroughputLimit: "perMessageGroupId",
      sqsManagedSseEnabled: true,
    },
  },
});

/** Requeues wait here (per-message DelaySeconds ≤ 15 min, which FIFO queues cannot do). */
export const delayQueue = new sst.aws.Queue("DelayQueue", {
  visibilityTimeout: `${queues.delay.visibilityTimeoutSeconds} seconds`,
  dlq: { queue: delayDlq.arn, retry: queues.delay.maxReceiveCount },
  transform: {
    queue: { messageRetentionSeconds: queues.delay.retentionSeconds, sqsManagedSseEnabled: true },
  },
});
