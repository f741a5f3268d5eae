/**
 * The clusters this warm container saw miss their deadline, kept for a cool-down: their records fail at once
 * (retried after the queue's backoff) instead of holding an invocation for a whole deadline again. After the
 * cool-down the next batch tries the cluster again (a probe, which the caller may give a shorter deadline), so a
 * cluster that recovers is served within one cool-down.
 */
export class SlowClusters {
  private readonly until = new Map<string, { untilMs: number; deadlineMs: number }>();
  private readonly coolDownMs: number;

  constructor(coolDownMs: number) {
    this.coolDownMs = coolDownMs;
  }

  /** Remembers that `cluster` missed a deadline of `deadlineMs` at `nowMs`. */
  missed(cluster: string, deadlineMs: number, nowMs: number): void {
    this.until.set(cluster, { untilMs: nowMs + this.coolDownMs, deadlineMs });
  }

  /** Forgets `cluster` (it finished its records in time). */
  answered(cluster: string): void {
    this.until.delete(cluster);
  }

  /** True while `cluster` has missed its deadline and not answered in time since (cool-down over or not). */
  suspect(cluster: string): boolean {
    return this.until.has(cluster);
  }

  /** Why `cluster`'s records are not tried now, or `undefined` when they are. */
  skipReason(cluster: string, nowMs: number): string | undefined {
    const known = this.until.get(cluster);
    if (!known || nowMs >= known.untilMs) return undefined;
    const left = Math.ceil((known.untilMs - nowMs) / 1000);
    return `cluster ${cluster} did not finish within ${known.deadlineMs} ms lately; tried again in ${left} s`;
  }
}

/** `clusters` with the ones `slow` holds now moved to the end, each part in its own order. */
export function slowLast<T extends { id: string }>(
  clusters: readonly T[],
  slow: SlowClusters,
  nowMs: number,
): T[] {
  const isSlow = (c: T) => slow.skipReason(c.id, nowMs) !== undefined;
  return [...clusters.filter((c) => !isSlow(c)), ...clusters.filter(isSlow)];
}
