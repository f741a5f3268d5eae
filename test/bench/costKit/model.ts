/**
 * The monthly cost of a fleet of single-CR clusters at steady state (nothing changing), as arithmetic over
 * measured counts and list prices. Pure: `cost.ts` feeds it the fleet benchmark's counts and prints the table;
 * the test checks its arithmetic. Prices are US East (N. Virginia) list prices, free tiers left out.
 */

/** Seconds in a month of 730 hours. */
export const MONTH_SECONDS = 730 * 3600;

/** List prices in USD. */
export const PRICES = {
  lambdaRequest: 0.2e-6,
  lambdaGbSecond: 0.0000133334,
  sqsStandardRequest: 0.4e-6,
  sqsFifoRequest: 0.5e-6,
  eventBridgeEvent: 1e-6,
  schedulerInvocation: 1e-6,
  alarmMonth: 0.1,
  metricMonth: 0.3,
  logsIngestGb: 0.5,
  dashboardMonth: 3,
  contributorRuleMonth: 0.5,
  contributorEventMatched: 0.02e-6,
  kmsRequest: 0.03 / 10_000,
} as const;

/** What the fleet benchmark measured (the Lambda path on the sandbox). */
export interface Measured {
  /** Wall time of one status run per cluster refreshed, at the run's concurrency. */
  statusMsPerCluster: number;
  /** Wall time of one converged reconcile pass. */
  reconcileMs: number;
  /** Log bytes a converged reconcile pass writes (the workflows' own lines). */
  reconcileLogBytes: number;
  /** Forwarder shard: memory before any cluster (the deployed bundle) and per cluster watched. */
  forwarderBaseBytes: number;
  forwarderBytesPerCluster: number;
  /**
   * Forwarder shard: how far its peak RSS (the opening lists, V8's young generation, a burst of changes) rose
   * above its memory after a memory-reducing GC, as the deployed bundle would hold it. Taken as the same for any
   * number of clusters (the open gate bounds the opening lists in flight); absent, only the fill sizes the shard.
   */
  forwarderPeakOverheadBytes?: number;
}

/** The deployment's choices that drive the bill. */
export interface Design {
  /** Most clusters one shard watches (its CPU share bounds the hints/s it sustains). */
  forwarderMaxClustersPerShard: number;
  forwarderEverySeconds: number;
  forwarderWindowSeconds: number;
  /** Fraction of a shard's memory its clusters may fill (measured after a memory-reducing GC). */
  forwarderFill: number;
  /** Fraction of a shard's memory its peak may reach (Lambda ends a function that exceeds its memory). */
  forwarderPeakFill: number;
  resyncEverySeconds: number;
  statusEverySeconds: number;
  statusMemoryMb: number;
  /** Clusters a status run refreshes at once. */
  statusConcurrency: number;
  reconcileMemoryMb: number;
  admitMemoryMb: number;
  admitMs: number;
  /** Metrics the functions emit (each one custom metric: no per-cluster dimension). */
  metrics: number;
  alarms: number;
  /** Bytes Lambda itself logs per invocation (START, END, REPORT in JSON format). */
  platformLogBytesPerInvocation: number;
  /** Our own log bytes per scheduled run (one summary line) and EMF bytes per invocation. */
  summaryLogBytes: number;
  emfBytesPerInvocation: number;
  /** Long polls per minute of each idle queue (Lambda's pollers). */
  idleQueuePollsPerMinute: number;
}

/** One line of the bill. */
export interface CostLine {
  item: string;
  arithmetic: string;
  usd: number;
}

const round = (n: number) => Math.round(n * 100) / 100;
const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });

/** Clusters one forwarder shard holds within its memory fill. */
export function clustersPerShard(m: Measured, memoryMb: number, fill: number): number {
  return Math.max(
    0,
    Math.floor((memoryMb * 2 ** 20 * fill - m.forwarderBaseBytes) / m.forwarderBytesPerCluster),
  );
}

/**
 * The forwarder for `clusters`: as few shards as `maxPerShard` allows, each with the least memory (a multiple of
 * 64 MB, at least 128) that holds its clusters within the fill and its peak within the peak fill — what
 * `EMQX_FORWARDER_SHARDS` and `EMQX_FORWARDER_MEMORY_MB` should be set to.
 */
export function sizeForwarder(
  clusters: number,
  m: Measured,
  d: Design,
): { shards: number; memoryMb: number } {
  const shards = Math.max(1, Math.ceil(clusters / d.forwarderMaxClustersPerShard));
  const perShard = Math.ceil(clusters / shards);
  const held = m.forwarderBaseBytes + perShard * m.forwarderBytesPerCluster;
  const peak = held + (m.forwarderPeakOverheadBytes ?? 0);
  const bytes = Math.max(held / d.forwarderFill, peak / d.forwarderPeakFill);
  return { shards, memoryMb: Math.max(128, Math.ceil(bytes / 2 ** 20 / 64) * 64) };
}

/** The monthly bill of `clusters` single-CR clusters. */
export function monthlyCost(clusters: number, m: Measured, d: Design): CostLine[] {
  const p = PRICES;
  const gb = (mb: number) => mb / 1024;
  const { shards, memoryMb } = sizeForwarder(clusters, m, d);
  const windows = (MONTH_SECONDS / d.forwarderEverySeconds) * shards;
  const forwarderGbS = windows * d.forwarderWindowSeconds * gb(memoryMb);
  const statusRuns = MONTH_SECONDS / d.statusEverySeconds;
  const statusSeconds = Math.max(0.1, (clusters * m.statusMsPerCluster) / d.statusConcurrency / 1000);
  const statusGbS = statusRuns * statusSeconds * gb(d.statusMemoryMb);
  const resyncs = (MONTH_SECONDS / d.resyncEverySeconds) * clusters;
  const reconcileGbS = resyncs * (m.reconcileMs / 1000) * gb(d.reconcileMemoryMb);
  const admitGbS = resyncs * (d.admitMs / 1000) * gb(d.admitMemoryMb);
  const invocations = windows + statusRuns + 2 * resyncs;
  const logBytes =
    invocations * (d.platformLogBytesPerInvocation + d.emfBytesPerInvocation) +
    (windows + statusRuns) * d.summaryLogBytes +
    resyncs * m.reconcileLogBytes;
  const idlePolls = 2 * d.idleQueuePollsPerMinute * (MONTH_SECONDS / 60);
  const lines: CostLine[] = [
    {
      item: `forwarder: ${shards} shard(s) of ${memoryMb} MB`,
      arithmetic: `${fmt(windows)} windows × ${d.forwarderWindowSeconds} s × ${gb(memoryMb)} GB = ${fmt(forwarderGbS)} GB-s`,
      usd: forwarderGbS * p.lambdaGbSecond + windows * p.lambdaRequest,
    },
    {
      item: `status every ${d.statusEverySeconds / 60} min, ${d.statusMemoryMb} MB`,
      arithmetic: `${fmt(statusRuns)} runs × ${statusSeconds.toFixed(1)} s × ${gb(d.statusMemoryMb)} GB = ${fmt(statusGbS)} GB-s`,
      usd: statusGbS * p.lambdaGbSecond + statusRuns * p.lambdaRequest,
    },
    {
      item: "Scheduler (forwarder windows, status runs)",
      arithmetic: `${fmt(windows + statusRuns)} invocations`,
      usd: (windows + statusRuns) * p.schedulerInvocation,
    },
    {
      item: `resync reconciles (one per CR every ${d.resyncEverySeconds / 3600} h)`,
      arithmetic: `${fmt(resyncs)} × (bus event + admit + 3 FIFO requests + reconcile ${m.reconcileMs.toFixed(0)} ms at ${gb(d.reconcileMemoryMb)} GB)`,
      usd:
        resyncs * (p.eventBridgeEvent + 2 * p.lambdaRequest + 3 * p.sqsFifoRequest) +
        (reconcileGbS + admitGbS) * p.lambdaGbSecond,
    },
    {
      item: "idle queue polling (2 queues)",
      arithmetic: `${fmt(idlePolls)} long polls`,
      usd: idlePolls * ((p.sqsFifoRequest + p.sqsStandardRequest) / 2),
    },
    {
      item: "registry reads (SecureString decryption, one per invocation at most)",
      arithmetic: `≤ ${fmt(windows + statusRuns)} decryptions`,
      usd: (windows + statusRuns) * p.kmsRequest,
    },
    {
      item: `metrics (fleet-level, no per-cluster dimension)`,
      arithmetic: `${d.metrics} × $${p.metricMonth}`,
      usd: d.metrics * p.metricMonth,
    },
    { item: "alarms", arithmetic: `${d.alarms} × $${p.alarmMonth}`, usd: d.alarms * p.alarmMonth },
    {
      item: "dashboard + Contributor Insights rule",
      arithmetic: `$${p.dashboardMonth} + $${p.contributorRuleMonth} (findings only when something fails)`,
      usd: p.dashboardMonth + p.contributorRuleMonth,
    },
    {
      item: "logs ingested",
      arithmetic: `${(logBytes / 1e9).toFixed(2)} GB (platform lines, EMF, summaries, reconcile lines)`,
      usd: (logBytes / 1e9) * p.logsIngestGb,
    },
  ];
  return lines.map((l) => ({ ...l, usd: round(l.usd) }));
}

/** The sum of a bill. */
export function total(lines: readonly CostLine[]): number {
  return round(lines.reduce((sum, l) => sum + l.usd, 0));
}
