/** SQS FIFO batch → one reconcile pass per CR (the batch's last hint of each group); requeues via the delay queue. */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from "@aws-lambda-powertools/batch";
import { JSONStringified } from "@aws-lambda-powertools/parser/helpers";
import { SqsRecordSchema } from "@aws-lambda-powertools/parser/schemas/sqs";
import { crKey, HintSchema } from "@emqx-reconciler/api";
import { isTerminalWorkflowError, reconcile } from "@emqx-reconciler/runtime";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { clusterDeps } from "./clusters.ts";
import { count, latency, withObservability } from "./observability.ts";
import { supersededRecords } from "./records.ts";
import { hintQueue, shared } from "./shared.ts";

const RecordSchema = SqsRecordSchema.extend({ body: JSONStringified(HintSchema) });
const processor = new SqsFifoPartialProcessorAsync();

async function reconcileRecord(record: SQSRecord, skip: Set<string>): Promise<void> {
  const { body: hint } = RecordSchema.parse(record);
  const key = crKey(hint.cluster, hint.namespace, hint.name);
  if (skip.has(record.messageId)) return count("HintsCoalesced");
  const entry = await shared().registry.get(hint.cluster);
  if (!entry) return void count("HintsDropped");
  const deps = await clusterDeps(entry, { key });
  try {
    const previousFailures = Math.max(0, Number(record.attributes.ApproximateReceiveCount ?? 1) - 1);
    const started = performance.now();
    const result = await reconcile(deps, hint, hint, { previousFailures });
    latency("ReconcileDuration", performance.now() - started);
    count(`Reconcile_${result.outcome}`);
    if (result.requeueAfterSeconds !== undefined)
      await hintQueue().requeueAfter(hint, result.requeueAfterSeconds);
  } catch (error) {
    if (!isTerminalWorkflowError(error)) throw error;
    count("ReconcileTerminal");
    deps.logger.error("Reconcile failed for good; waiting for a change", { error: String(error) });
  }
}

export const handler = withObservability<SQSEvent>().handler(async (event: SQSEvent, context) => {
  const skip = supersededRecords(event.Records);
  const options = { context, skipGroupOnError: true };
  return processPartialResponse(event, (r: SQSRecord) => reconcileRecord(r, skip), processor, options);
});
