/**
 * A FIFO batch worked through cluster by cluster, so that a hanging or slow cluster never holds up another
 * cluster's CRs: the records are split into one lane per cluster, lanes run at once (bounded), each lane has its own
 * deadline, and inside a lane the message groups run at once (bounded) with each group's records in batch order.
 *
 * SQS FIFO rule kept: once a record of a message group fails, every later record of that group in the batch is
 * reported failed too (not processed), so the group is retried from the failed one in order. A lane that passes its
 * deadline stops waiting: its unfinished and unstarted records fail. The abandoned call is not cancelled (a promise
 * cannot be); it ends on its own request timeout, and every write it could still make is idempotent or guarded.
 */
import { mapBounded } from "@emqx-reconciler/runtime";

/** What the lanes need of an SQS record. */
export interface LaneRecord {
  messageId: string;
  attributes: { MessageGroupId?: string };
}

/** A record that did not complete, and why. */
export interface FailedRecord<R> {
  record: R;
  reason: string;
}

/** How one lane (one cluster's records) ended. */
export interface LaneResult<R> {
  lane: string;
  succeeded: R[];
  failed: Array<FailedRecord<R>>;
  /** The lane's deadline passed before every record finished. */
  timedOut: boolean;
  /** The deadline the lane had (0 for a lane skipped at once). */
  deadlineMs: number;
}

/** Options of {@link processLanes}. */
export interface LaneOptions<R> {
  /** Lanes (clusters) worked at once. */
  lanes: number;
  /** Message groups (CRs) of one lane worked at once. */
  groupsPerLane: number;
  /** Longest time one lane may take, counted from its start (or per lane). */
  laneDeadlineMs: number | ((lane: string) => number);
  /** Time left for the whole batch: no lane runs past it (the invocation must answer before its timeout). */
  budgetMs: number;
  /** A reason to fail a whole lane at once without working it (a cluster known to hang), or `undefined`. */
  skipLane?: (lane: string) => string | undefined;
  /** One record's work; a rejection fails the record. */
  work: (record: R, lane: string) => Promise<void>;
  /**
   * Called once per lane when it ends, with the number of lanes still running or waiting (e.g. to delete the
   * lane's done records at once, so their groups unlock while other lanes run). A rejection is ignored.
   */
  onLaneSettled?: (result: LaneResult<R>, lanesLeft: number) => Promise<void>;
  /** @default Date.now */
  nowMs?: () => number;
}

/** The FIFO message group of a record (a record without one is its own group). */
export function groupOf(record: LaneRecord): string {
  return record.attributes.MessageGroupId ?? record.messageId;
}

/** The cluster of a hint's message group `cluster/namespace/name` (cluster ids hold no `/`). */
export function clusterOfGroup(groupId: string): string {
  return groupId.split("/")[0] ?? groupId;
}

function groupBy<R>(records: readonly R[], key: (r: R) => string): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of records) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
}

const EXPIRED = Symbol("expired");

/**
 * Works every record of a FIFO batch in lanes keyed by `laneOf` (by default the cluster of its message group) and
 * returns one result per lane. Never rejects: every record ends in `succeeded` or `failed`.
 */
export async function processLanes<R extends LaneRecord>(
  records: readonly R[],
  options: LaneOptions<R>,
  laneOf: (record: R) => string = (r) => clusterOfGroup(groupOf(r)),
): Promise<Array<LaneResult<R>>> {
  const now = options.nowMs ?? Date.now;
  const stopAt = now() + options.budgetMs;
  const lanes = [...groupBy(records, laneOf).entries()];
  let lanesLeft = lanes.length;
  // Set when a lane's deadline was the batch's budget and it expired. A timer can fire a few milliseconds before
  // `now()` reaches its time (libuv reads its clock once per loop turn), so the budget left by `now()` alone could
  // still let a lane start after the budget's timer fired.
  let budgetSpent = false;

  async function runLane([lane, laneRecords]: [string, R[]]): Promise<LaneResult<R>> {
    const result: LaneResult<R> = { lane, succeeded: [], failed: [], timedOut: false, deadlineMs: 0 };
    const skipped = options.skipLane?.(lane);
    if (skipped !== undefined) {
      result.failed = laneRecords.map((record) => ({ record, reason: skipped }));
      lanesLeft -= 1;
      return result;
    }
    const { laneDeadlineMs } = options;
    const ownMs = typeof laneDeadlineMs === "number" ? laneDeadlineMs : laneDeadlineMs(lane);
    const budgetLeft = budgetSpent ? 0 : stopAt - now();
    const deadlineMs = Math.max(0, Math.min(ownMs, budgetLeft));
    result.deadlineMs = deadlineMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<typeof EXPIRED>((resolve) => {
      timer = setTimeout(() => resolve(EXPIRED), deadlineMs);
    });
    const late = `cluster ${lane} did not finish within ${deadlineMs} ms`;
    const groups = [...groupBy(laneRecords, groupOf).values()];
    await mapBounded(groups, options.groupsPerLane, async (group) => {
      let blocked: string | undefined;
      for (const record of group) {
        if (blocked === undefined && (result.timedOut || deadlineMs <= 0)) blocked = late;
        if (blocked !== undefined) {
          result.failed.push({ record, reason: blocked });
          continue;
        }
        const outcome = await Promise.race([
          Promise.resolve()
            .then(() => options.work(record, lane))
            .then(
              () => undefined,
              (error: unknown) => (error instanceof Error ? error.message : String(error)),
            ),
          expired,
        ]);
        if (outcome === undefined) {
          result.succeeded.push(record);
          continue;
        }
        if (outcome === EXPIRED) {
          result.timedOut = true;
          if (budgetLeft <= ownMs) budgetSpent = true;
        }
        const reason = outcome === EXPIRED ? late : outcome;
        result.failed.push({ record, reason });
        blocked = `an earlier message of group ${groupOf(record)} failed in this batch`;
      }
    });
    clearTimeout(timer);
    lanesLeft -= 1;
    await Promise.resolve()
      .then(() => options.onLaneSettled?.(result, lanesLeft))
      .catch(() => undefined);
    return result;
  }

  const settled = await mapBounded(lanes, options.lanes, runLane);
  return settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
}

/**
 * Seconds until a failed record is retried, from how often it was received: 30 s doubling per receive, at most
 * `maxSeconds` (the queue's visibility timeout, which is what SQS would wait anyway).
 */
export function retryDelaySeconds(receiveCount: number, maxSeconds: number): number {
  const failures = Math.max(1, Math.floor(receiveCount));
  return Math.min(maxSeconds, 30 * 2 ** Math.min(failures - 1, 10));
}
