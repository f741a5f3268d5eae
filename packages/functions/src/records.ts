import type { SQSRecord } from "aws-lambda";

/**
 * The records of a FIFO batch that a later record of the same group makes redundant: a reconcile re-reads the
 * cluster, so only the last hint of a CR in one batch needs a pass (client-go's coalescing, within a batch).
 */
export function supersededRecords(records: readonly SQSRecord[]): Set<string> {
  const last = new Map<string, string>();
  for (const r of records) last.set(r.attributes.MessageGroupId ?? r.messageId, r.messageId);
  const latest = new Set(last.values());
  return new Set(records.map((r) => r.messageId).filter((id) => !latest.has(id)));
}

/** A record's JSON body; a body that is not JSON throws, naming the message (never its content). */
export function jsonBody(record: Pick<SQSRecord, "body" | "messageId">): unknown {
  try {
    return JSON.parse(record.body);
  } catch {
    throw new SyntaxError(`SQS message ${record.messageId}: body is not JSON`);
  }
}
