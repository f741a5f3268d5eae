/**
 * The PutEvents contract, with the AWS SDK's field names and limits (eb-putevents.html, eb-putevent-size.html).
 * The embedded bus of `@emqx-reconciler/runtime` has the same shape, so one publisher serves both; the types are
 * declared here as well because adapters may not import the runtime.
 */
import { type EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { toAwsError } from "./errors.ts";

/** One PutEvents entry. */
export interface PutEventsEntry {
  readonly Source: string;
  readonly DetailType: string;
  /** A JSON object, as text. */
  readonly Detail: string;
  readonly Time?: Date;
  readonly Resources?: readonly string[];
  readonly EventBusName?: string;
}

/** Aligned with the request: `EventId` on success, `ErrorCode` + `ErrorMessage` on failure. */
export interface PutEventsResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

/** A PutEvents response: one result per request entry, in order. */
export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** Anything that takes one PutEvents request of ≤ 10 entries: EventBridge itself, or the embedded bus. */
export interface PutEventsTarget {
  putEvents(entries: readonly PutEventsEntry[]): Promise<PutEventsResult>;
}

/** At most this many entries per request. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** Total entry size of one request must stay under this (the documented 256 KB). */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/** Entry size as EventBridge computes it: UTF-8 bytes of Source, DetailType, Detail and Resources, +14 for Time. */
export function putEventsEntrySize(entry: PutEventsEntry): number {
  const bytes = (text: string | undefined) => (text ? Buffer.byteLength(text, "utf8") : 0);
  const resources = (entry.Resources ?? []).reduce((sum, r) => sum + bytes(r), 0);
  return (
    (entry.Time ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources
  );
}

/**
 * One PutEvents request to an EventBridge bus: the raw target for callers that batch and resend themselves (the
 * forwarder), and the transport under {@link EventPublisher}. A call that fails as a whole throws an `AwsError`.
 */
export function eventBridgeTarget(client: EventBridgeClient, eventBusName: string): PutEventsTarget {
  return {
    async putEvents(entries) {
      try {
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
