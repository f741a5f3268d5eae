/**
 * The PutEvents contract shared by the embedded bus (runtime) and the EventBridge publisher (adapters): the AWS
 * SDK's field names and the limits (eb-putevents.html, eb-putevent-size.html), so the same publisher code runs on
 * both buses.
 */

/** One entry of a PutEvents request, with the AWS SDK's field names so one publisher serves both buses. */
export interface PutEventsEntry {
  readonly Source: string;
  readonly DetailType: string;
  /** A JSON object, as text. */
  readonly Detail: string;
  readonly Time?: Date;
  readonly Resources?: readonly string[];
  readonly EventBusName?: string;
}

/** Aligned with the request: `EventId` on success, `ErrorCode` + `ErrorMessage` on failure (as in AWS). */
export interface PutEventsResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

/** The PutEvents response: `FailedEntryCount` and one result per request entry, in order. */
export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** AWS PutEvents limits (eb-putevents.html, eb-putevent-size.html). */
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;
const TIME_ENTRY_BYTES = 14;

/** Entry size as EventBridge computes it: UTF-8 bytes of Source, DetailType, Detail, Resources, +14 for Time. */
export function putEventsEntrySize(entry: PutEventsEntry): number {
  const bytes = (text: string | undefined) => (text ? Buffer.byteLength(text, "utf8") : 0);
  const resources = (entry.Resources ?? []).reduce((sum, r) => sum + bytes(r), 0);
  const time = entry.Time ? TIME_ENTRY_BYTES : 0;
  return time + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources;
}

/** Anything that takes one PutEvents request of ≤ 10 entries: EventBridge itself, or the embedded bus. */
export interface PutEventsTarget {
  putEvents(entries: readonly PutEventsEntry[]): Promise<PutEventsResult>;
}
