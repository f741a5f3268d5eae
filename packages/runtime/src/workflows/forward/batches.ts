import {
  DetailType,
  type EventSource,
  type Hint,
  PUT_EVENTS_MAX_BYTES,
  PUT_EVENTS_MAX_ENTRIES,
  type PutEventsEntry,
  putEventsEntrySize,
} from "@emqx-reconciler/api";

/** A hint with its PutEvents entry, built once. */
export interface Outgoing {
  hint: Hint;
  entry: PutEventsEntry;
}

/** Empties `pending` into requests of at most 10 entries each and under the PutEvents size limit. */
export function takeBatches(pending: Map<string, Hint>, source: EventSource): Outgoing[][] {
  const batches: Outgoing[][] = [];
  let batch: Outgoing[] = [];
  let bytes = 0;
  for (const hint of pending.values()) {
    const entry = toEntry(source, hint);
    const size = putEventsEntrySize(entry);
    if (batch.length === PUT_EVENTS_MAX_ENTRIES || bytes + size >= PUT_EVENTS_MAX_BYTES) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push({ hint, entry });
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  pending.clear();
  return batches;
}

/** True when `promise` settles before `deadline` (epoch ms); false when the deadline comes first. */
export async function settlesBefore(promise: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The PutEvents entry of a hint: a `ReconcileHint` whose detail is the hint itself. */
export function toEntry(source: EventSource, hint: Hint): PutEventsEntry {
  return { Source: source, DetailType: DetailType.ReconcileHint, Detail: JSON.stringify(hint) };
}
