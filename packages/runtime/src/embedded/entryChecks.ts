/**
 * The embedded bus's side of PutEvents: the per-entry checks EventBridge makes. The contract (entry shape,
 * limits) is the api's `putEvents.ts`.
 */
import type { PutEventsEntry } from "@emqx-reconciler/api";

/** A parsed entry's detail, or the per-entry error EventBridge would answer. */
export type ParsedPutEventsEntry = { detail: unknown } | { ErrorCode: string; ErrorMessage: string };

/** Checks one entry as EventBridge does: Source, DetailType and Detail present, Detail a JSON object. */
export function parsePutEventsEntry(entry: PutEventsEntry): ParsedPutEventsEntry {
  for (const field of ["Source", "DetailType", "Detail"] as const) {
    if (typeof entry[field] !== "string" || entry[field] === "") {
      return {
        ErrorCode: "InvalidArgument",
        ErrorMessage: `Parameter ${field} is not valid: it is required.`,
      };
    }
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    detail = undefined;
  }
  if (typeof detail === "object" && detail !== null && !Array.isArray(detail)) return { detail };
  return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed: it must be a JSON object." };
}
