/** EventBridge `ReconcileHint` → admission → SQS FIFO reconcile queue. Invalid events are counted, not retried. */
import { crKey, HintSchema } from "@emqx-reconciler/api";
import { admitHint } from "./admitHint.ts";
import { count, logger, withObservability } from "./observability.ts";

/** The part of the EventBridge envelope admit reads. */
interface HintEvent {
  detail?: unknown;
}

export const handler = withObservability<HintEvent>().handler(async (event) => {
  const parsed = HintSchema.safeParse(event?.detail);
  if (!parsed.success) {
    count("HintsRejected");
    logger.warn("Rejected an event that is not a hint", { error: parsed.error.message.slice(0, 500) });
    return { outcome: "rejected" as const };
  }
  const hint = parsed.data;
  logger.appendKeys({ key: crKey(hint.cluster, hint.namespace, hint.name) });
  return { outcome: await admitHint(hint) };
});
