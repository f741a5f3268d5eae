/**
 * SQS FIFO batch → one reconcile pass per CR (the batch's last hint of each group), clusters isolated from each
 * other: one lane per cluster with its own deadline ({@link processLanes}), and a cluster that missed it is failed
 * at once for a cool-down ({@link SlowClusters}), so it cannot hold invocations the others need. Requeues go via
 * the delay queue.
 */
import { crKey, HintSchema } from "@emqx-reconciler/api";
import { isTerminalWorkflowError, reconcile } from "@emqx-reconciler/runtime";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { reconcileDeps } from "./clusters.ts";
import { type LaneResult, processLanes, retryDelaySeconds } from "./fifoBatch.ts";
import { count, latency, logger, withObservability } from "./observability.ts";
import { jsonBody, supersededRecords } from "./records.ts";
import { hintQueue, registry, shared } from "./shared.ts";
import { SlowClusters } from "./slowClusters.ts";

/** Kept free before Lambda's timeout: middy's early timeout (2 s) plus the calls that end the batch. */
const ANSWER_MARGIN_MS = 5000;
/** A failed record is retried after at most this long: the reconcile queue's visibility timeout. */
const MAX_RETRY_DELAY_SECONDS = 360;
/** A cluster that missed its deadline is not tried again by this container for this long. */
const SLOW_CLUSTER_COOL_DOWN_MS = 60_000;
/** Then it is tried within at most this long, until it answers in time again. */
const PROBE_DEADLINE_MS = 10_000;
const slowClusters = new SlowClusters(SLOW_CLUSTER_COOL_DOWN_MS);

async function reconcileRecord(record: SQSRecord, skip: Set<string>): Promise<void> {
  const hint = HintSchema.parse(jsonBody(record));
  const key = crKey(hint.cluster, hint.namespace, hint.name);
  if (skip.has(record.messageId)) return count("HintsCoalesced");
  const entry = await (await registry()).get(hint.cluster);
  if (!entry) return void count("HintsDropped");
  const deps = await reconcileDeps(entry, hint, { key });
  try {
    const previousFailures = Math.max(0, Number(record.attributes.ApproximateReceiveCount ?? 1) - 1);
    const started = performance.now();
    const result = await reconcile(deps, hint, hint, { previousFailures });
    latency("ReconcileDuration", performance.now() - started);
    count(`Reconcile_${result.outcome}`);
    if (result.requeueAfterSeconds !== undefined)
      await (await hintQueue()).requeueAfter(hint, result.requeueAfterSeconds);
  } catch (error) {
    if (!isTerminalWorkflowError(error)) throw error;
    count("ReconcileTerminal");
    deps.logger.error("Reconcile failed for good; waiting for a change", { error: String(error) });
  }
}

/** A lane that ended while others still run: its done records are deleted now, so their groups unlock. */
async function settleLane(lane: LaneResult<SQSRecord>, lanesLeft: number): Promise<void> {
  if (!lane.timedOut) slowClusters.answered(lane.lane);
  if (lane.timedOut) {
    slowClusters.missed(lane.lane, lane.deadlineMs, Date.now());
    count("ReconcileClusterDeadline");
    logger.warn("A cluster did not finish its records in time", {
      cluster: lane.lane,
      failed: lane.failed.length,
    });
  }
  if (lanesLeft === 0 || lane.succeeded.length === 0) return;
  await (await hintQueue())
    .acknowledge(lane.succeeded.map((r) => r.receiptHandle))
    .catch((error: unknown) => logger.warn("Could not delete done hints early", { error: String(error) }));
}

/** Failed records come back after a backoff by receive count, not the queue's whole visibility timeout. */
async function backOff(failed: readonly SQSRecord[]): Promise<void> {
  if (failed.length === 0) return;
  const entries = failed.map((r) => ({
    receiptHandle: r.receiptHandle,
    seconds: retryDelaySeconds(Number(r.attributes.ApproximateReceiveCount ?? 1), MAX_RETRY_DELAY_SECONDS),
  }));
  await (await hintQueue())
    .retryAfter(entries)
    .catch((error: unknown) =>
      logger.warn("Could not set the retry delay of failed hints", { error: String(error) }),
    );
}

export const handler = withObservability<SQSEvent, SQSBatchResponse>().handler(async (event, context) => {
  const { config } = shared();
  const skip = supersededRecords(event.Records);
  const lanes = await processLanes(event.Records, {
    lanes: config.clusterConcurrency,
    groupsPerLane: config.groupsPerCluster,
    laneDeadlineMs: (cluster) =>
      slowClusters.suspect(cluster)
        ? Math.min(PROBE_DEADLINE_MS, config.clusterDeadlineMs)
        : config.clusterDeadlineMs,
    budgetMs: context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS,
    skipLane: (cluster) => slowClusters.skipReason(cluster, Date.now()),
    work: (record) => reconcileRecord(record, skip),
    onLaneSettled: settleLane,
  });
  const failed = lanes.flatMap((lane) => lane.failed);
  for (const { record, reason } of failed)
    logger.warn("Hint not reconciled; retried later", { messageId: record.messageId, reason });
  await backOff(failed.map((f) => f.record));
  return { batchItemFailures: failed.map((f) => ({ itemIdentifier: f.record.messageId })) };
});
