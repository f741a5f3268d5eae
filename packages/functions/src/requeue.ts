/** Delay queue → admission once due (or back onto the delay queue for delays over 15 minutes). */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { DelayedHintSchema } from "@emqx-reconciler/adapters/aws";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { admitHint } from "./admitHint.ts";
import { count, withObservability } from "./observability.ts";
import { jsonBody } from "./records.ts";
import { hintQueue } from "./shared.ts";

const processor = new BatchProcessor(EventType.SQS);

/** A record whose body is not a delayed hint fails alone (a batch item failure); the others go on. */
async function forwardRecord(record: SQSRecord): Promise<void> {
  const delayed = DelayedHintSchema.parse(jsonBody(record));
  const outcome = await (await hintQueue()).forward(delayed, admitHint);
  count(outcome === "delayed" ? "RequeuesDelayedAgain" : "RequeuesDue");
}

export const handler = withObservability<SQSEvent>().handler((event: SQSEvent, context) =>
  processPartialResponse(event, forwardRecord, processor, { context }),
);
