/**
 * What drives each function: bus rules built from the api's `busPatterns` (with explicit retries and a DLQ instead
 * of EventBridge's 24 h / 185-attempt default), queue event sources with partial batch responses, and schedules.
 */
import { bus } from "./bus.ts";
import { admit, forwarder, reconcile, requeue, scale, status } from "./functions.ts";
import { delayQueue, reconcileQueue, ruleDlq, scheduleDlq } from "./queues.ts";
import { forwarderSchedule, forwarderShards, statusSchedule } from "./settings.ts";
import { queues, RULE_RETRY, rules } from "./topology.ts";

function subscribeRule(name: keyof typeof rules, fn: sst.aws.Function) {
  const { pattern } = rules[name];
  return bus.subscribe(name, fn.arn, {
    pattern: { source: [...pattern.source], detailType: [...pattern["detail-type"]] },
    transform: {
      target: (args) => {
        args.retryPolicy = RULE_RETRY;
        args.deadLetterConfig = { arn: ruleDlq.arn };
      },
    },
  });
}

export const hintRule = subscribeRule("reconcileHints", admit);
export const scaleRule = subscribeRule("scaleRequests", scale);

/** FIFO: no batching window (unsupported); concurrency is capped so one account's clusters cannot flood Lambda. */
export const reconcileSource = reconcileQueue.subscribe(reconcile.arn, {
  batch: { size: queues.reconcile.batchSize, partialResponses: true },
  transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency: 20 } } },
});
export const requeueSource = delayQueue.subscribe(requeue.arn, {
  batch: { size: queues.delay.batchSize, partialResponses: true },
});

export const statusSchedules = new sst.aws.CronV2("StatusSchedule", {
  schedule: statusSchedule,
  function: status.arn,
  retries: 0,
  dlq: scheduleDlq.arn,
});

/** One overlapping watch window per shard of the registry. */
export const forwarderSchedules = Array.from(
  { length: forwarderShards },
  (_, shard) =>
    new sst.aws.CronV2(`ForwarderSchedule${shard}`, {
      schedule: forwarderSchedule,
      function: forwarder.arn,
      event: { shard, shards: forwarderShards },
      retries: 0,
      dlq: scheduleDlq.arn,
    }),
);
