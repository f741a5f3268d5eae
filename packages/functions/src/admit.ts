/** EventBridge `ReconcileHint` → admission → SQS FIFO reconcile queue. Invalid events are counted, not retried. */
import { EventBridgeEnvelope } from "@aws-lambda-powertools/parser/envelopes/eventbridge";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import type { ParsedResult } from "@aws-lambda-powertools/parser/types";
import { crKey, type Hint, HintSchema } from "@emqx-reconciler/api";
import { admitHint } from "./admitHint.ts";
import { count, logger, withObservability } from "./observability.ts";

export const handler = withObservability()
  .use(parser({ schema: HintSchema, envelope: EventBridgeEnvelope, safeParse: true }))
  .handler(async (parsed: ParsedResult<unknown, Hint>) => {
    if (!parsed.success) {
      count("HintsRejected");
      logger.warn("Rejected an event that is not a hint", { error: parsed.error.message.slice(0, 500) });
      return { outcome: "rejected" as const };
    }
    const hint = parsed.data;
    logger.appendKeys({ key: crKey(hint.cluster, hint.namespace, hint.name) });
    return { outcome: await admitHint(hint) };
  });
