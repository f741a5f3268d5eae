/**
 * Fleet observability as plain data, without SST: the alarms on the fleet metrics, the Logs Insights queries that
 * name the clusters behind them, the Contributor Insights rule and the dashboard's body. `alarms.ts` and
 * `dashboard.ts` build exactly these; the tests read them (the dashboard's metrics against the functions'
 * catalogue, the alarms against the metric data the handlers emit) without SST or AWS.
 *
 * No metric has a cluster dimension, so the fleet costs the same dozen metrics at 1 cluster or 1,000; which
 * cluster is behind a count is in the `fleetSignal` log lines of the status and forwarder functions.
 */
import {
  FINDING_FIELD,
  FleetMetric,
  type FleetMetricName,
  LatencyMetric,
  METRIC_DIMENSIONS,
  METRIC_NAMESPACE,
} from "@emqx-reconciler/functions/metrics";

/** One alarm on a fleet metric: at least one cluster in that state for the whole evaluation. */
export interface FleetAlarmSpec {
  metricName: FleetMetricName;
  /** `Minimum` over the period: every run in it counted at least one cluster, so the state held. */
  statistic: "Minimum" | "Maximum";
  periodSeconds: number;
  evaluationPeriods: number;
  /** What a person should read in the alarm. */
  what: string;
}

/**
 * The fleet alarms. The status function measures every minute, so a 5-minute `Minimum` above 0 means some cluster
 * was unreachable (or stale, or failing) in every run of those 5 minutes. Watch windows come every 5 minutes per
 * shard, so the watch alarm asks for two windows in a row.
 */
export const fleetAlarms = {
  ClustersUnreachable: {
    metricName: FleetMetric.ClustersUnreachable,
    statistic: "Minimum",
    periodSeconds: 300,
    evaluationPeriods: 1,
    what: "a registered cluster could not be reached (connection, credentials or RBAC refused, deadline) for 5 minutes",
  },
  ClustersStatusStale: {
    metricName: FleetMetric.ClustersStatusStale,
    statistic: "Minimum",
    periodSeconds: 300,
    evaluationPeriods: 1,
    what: "an EMQX CR's API could not be read (NodeStatusStale) for 5 minutes",
  },
  ClustersReconcileFailing: {
    metricName: FleetMetric.ClustersReconcileFailing,
    statistic: "Minimum",
    periodSeconds: 300,
    evaluationPeriods: 2,
    what: "an EMQX CR's writes kept failing (ReconcileFailed) for 10 minutes",
  },
  ClustersWatchFailing: {
    metricName: FleetMetric.ClustersWatchFailing,
    statistic: "Maximum",
    periodSeconds: 300,
    evaluationPeriods: 2,
    what: "a registered cluster could not be watched in two watch windows in a row (no hints from it)",
  },
} as const satisfies Record<string, FleetAlarmSpec>;

/** Which function logs the findings of each fleet metric. */
export const findingSource: Record<keyof typeof fleetAlarms, "status" | "forwarder"> = {
  ClustersUnreachable: "status",
  ClustersStatusStale: "status",
  ClustersReconcileFailing: "status",
  ClustersWatchFailing: "forwarder",
};

/** The saved Logs Insights query of one fleet metric, as it appears in the console's query list. */
export function findingsQueryName(signal: FleetMetricName): string {
  return `emqx-reconciler/${signal}`;
}

/**
 * The Logs Insights query naming the clusters (and CRs) behind a fleet metric, most frequent first: each run
 * logs one line per cluster or CR it counted.
 */
export function findingsQuery(signal: FleetMetricName): string {
  return [
    `fields @timestamp, cluster, namespace, name, reason`,
    `filter ${FINDING_FIELD} = "${signal}"`,
    `stats count(*) as runs, latest(reason) as lastReason, max(@timestamp) as lastSeen by cluster, namespace, name`,
    `sort runs desc`,
    `limit 50`,
  ].join("\n| ");
}

/** The alarm's description: what happened, and the saved query that names the cluster. */
export function alarmDescription(key: keyof typeof fleetAlarms): string {
  const spec = fleetAlarms[key];
  return `emqx-reconciler: ${spec.what}. Which cluster: Logs Insights, saved query ${findingsQueryName(spec.metricName)} on the ${findingSource[key]} function's log group (or the ${CONTRIBUTOR_RULE_NAME} Contributor Insights rule).`;
}

/** The Contributor Insights rule ranking clusters by finding lines. */
export const CONTRIBUTOR_RULE_NAME = "emqx-reconciler-failing-clusters";

/** Its definition over the status and forwarder log groups: contributors are clusters, counted per finding line. */
export function contributorRuleDefinition(logGroupNames: readonly string[]): string {
  return JSON.stringify({
    Schema: { Name: "CloudWatchLogRule", Version: 1 },
    LogGroupNames: logGroupNames,
    LogFormat: "JSON",
    Contribution: {
      Keys: ["$.cluster", `$.${FINDING_FIELD}`],
      Filters: [{ Match: `$.${FINDING_FIELD}`, In: Object.keys(fleetAlarms) }],
    },
    AggregateOn: "Count",
  });
}

/** The names the dashboard needs from the deployment. */
export interface DashboardInputs {
  region: string;
  /** DLQ label → SQS queue name. */
  dlqs: Readonly<Record<string, string>>;
  /** The status and forwarder functions' log groups (for the findings table). */
  findingLogGroups: readonly string[];
}

type MetricRow = (string | Record<string, string | boolean>)[];

/** A row of a metric widget for one of our metrics (always with the service dimension, as emitted). */
function ours(name: string, options: Record<string, string | boolean> = {}): MetricRow {
  const dimensions = Object.entries(METRIC_DIMENSIONS).flat();
  return [METRIC_NAMESPACE, name, ...dimensions, options];
}

interface Place {
  region: string;
  x: number;
  y: number;
  /** Seconds per datapoint. @default 60 */
  period?: number;
}

function metricWidget(title: string, metrics: MetricRow[], { region, x, y, period = 60 }: Place) {
  return {
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region, view: "timeSeries", stacked: false, period, stat: "Maximum", metrics },
  };
}

/**
 * The dashboard: fleet health (clusters unreachable, stale, reconcile failing, watch failing, out of those
 * refreshed), reconcile latency p50/p99, DLQ depth, status staleness (the stale count and the status run's
 * duration), and a Logs Insights table naming the clusters behind the counts. Fleet-level metrics and AWS's own
 * SQS metrics only.
 */
export function dashboardBody(inputs: DashboardInputs): string {
  const { region } = inputs;
  const widgets = [
    metricWidget(
      "Fleet health: clusters in each state",
      [
        ours(FleetMetric.ClustersUnreachable),
        ours(FleetMetric.ClustersStatusStale),
        ours(FleetMetric.ClustersReconcileFailing),
        ours(FleetMetric.ClustersWatchFailing),
        ours(FleetMetric.ClustersRefreshed, { yAxis: "right" }),
      ],
      { region, x: 0, y: 0 },
    ),
    metricWidget(
      "Reconcile latency (ms)",
      [
        ours(LatencyMetric.ReconcileDuration, { stat: "p50", label: "p50" }),
        ours(LatencyMetric.ReconcileDuration, { stat: "p99", label: "p99" }),
      ],
      { region, x: 12, y: 0, period: 300 },
    ),
    metricWidget(
      "DLQ depth",
      Object.entries(inputs.dlqs).map(([label, queue]) => [
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        queue,
        { label },
      ]),
      { region, x: 0, y: 6, period: 300 },
    ),
    metricWidget(
      "Status staleness",
      [
        ours(FleetMetric.ClustersStatusStale),
        ours(LatencyMetric.StatusRunDuration, { yAxis: "right", label: "status run (ms)" }),
      ],
      { region, x: 12, y: 6 },
    ),
    {
      type: "log",
      x: 0,
      y: 12,
      width: 24,
      height: 8,
      properties: {
        title: "Clusters behind the counts (last 3 hours)",
        region,
        view: "table",
        query: `${inputs.findingLogGroups.map((g) => `SOURCE '${g}'`).join(" | ")} | fields @timestamp, ${FINDING_FIELD}, cluster, namespace, name, reason | filter ispresent(${FINDING_FIELD}) | stats count(*) as runs, latest(reason) as lastReason by ${FINDING_FIELD}, cluster, namespace, name | sort runs desc | limit 50`,
      },
    },
  ];
  return JSON.stringify({ widgets });
}
