/** Delay queue → admission once due (or back onto the delay queue for delays over 15 minutes). */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { parser } from "@aws-lambda-powertools/batch/parser";
import { DelayedHintSchema } from "@emqx-reconciler/adapters/aws";
import type { SQSEvent } from "aws-lambda";
import type { z } from "zod";
import { admitHint } from "./admitHint.ts";
import { count, withObservability } from "./observability.ts";
import { hintQueue } from "./shared.ts";

const processor = new BatchProcessor(EventType.SQS, {
  parser,
  innerSchema: DelayedHintSchema,
  transformer: "json",
});

async function forwardRecord(record: { body: z.output<typeof DelayedHintSchema> }): Promise<void> {
  const outcome = await hintQueue().forward(record.body, admitHint);
  count(outcome === "delayed" ? "RequeuesDelayedAgain" : "RequeuesDue");
}

export const handler = withObservability<SQSEvent>().handler((event: SQSEvent, context) =>
  processPartialResponse(event, forwardRecord as never, processor, { context }),
);
