/**
 * PutEvents on a real EventBridge bus. The contract (entry shape, limits) is the api's `putEvents.ts`, shared
 * with the embedded bus.
 */
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { PutEventsTarget } from "@emqx-reconciler/api";
import { toAwsError } from "./errors.ts";

/**
 * One PutEvents request to an EventBridge bus: the raw target for callers that batch and resend themselves (the
 * forwarder), and the transport under {@link EventPublisher}. A call that fails as a whole throws an `AwsError`.
 */
export function eventBridgeTarget(client: EventBridgeClient, eventBusName: string): PutEventsTarget {
  return {
    async putEvents(entries) {
      try {
        const { PutEventsCommand } = await import("@aws-sdk/client-eventbridge");
        const out = await client.send(
          new PutEventsCommand({
            Entries: entries.map((e) => ({
              ...e,
              Resources: e.Resources ? [...e.Resources] : undefined,
              EventBusName: eventBusName,
            })),
          }),
        );
        const results = out.Entries ?? [];
        return {
          FailedEntryCount: out.FailedEntryCount ?? 0,
          Entries: entries.map((_, i) => results[i] ?? {}),
        };
      } catch (error) {
        throw toAwsError(`PutEvents to bus ${eventBusName}`, error);
      }
    },
  };
}

/**
 * {@link eventBridgeTarget} with a client configured from the environment (region, credentials and
 * `AWS_ENDPOINT_URL`, as every AWS SDK client reads them).
 *
 * @example await (await busTarget("emqx-reconciler")).putEvents([entry]);
 */
export async function busTarget(eventBusName: string): Promise<PutEventsTarget> {
  const { EventBridgeClient } = await import("@aws-sdk/client-eventbridge");
  return eventBridgeTarget(new EventBridgeClient({}), eventBusName);
}
