/**
 * Every CloudWatch metric the functions emit, by name: the one list the handlers, the alarms and the dashboard
 * share. No metric carries a per-cluster dimension (each distinct dimension set is a billed custom metric): the
 * fleet metrics count clusters, and the structured log line of each finding names the cluster. Plain data, so the
 * infra and the tests can read it without loading Powertools.
 */

/** The EMF namespace (the functions' `POWERTOOLS_METRICS_NAMESPACE`). */
export const METRIC_NAMESPACE = "EmqxReconciler";
/** The Powertools service name; Powertools adds it to every metric as the `service` dimension. */
export const METRIC_SERVICE = "emqx-reconciler";
/** The one dimension set every metric is emitted with. */
export const METRIC_DIMENSIONS = { service: METRIC_SERVICE } as const;

/**
 * Fleet health, one value per run of the function that measures it (status every run, forwarder per shard and
 * window): how many registered clusters are in that state now.
 */
export const FleetMetric = {
  /** Registered clusters the status run covered. */
  ClustersRefreshed: "ClustersRefreshed",
  /** Clusters whose status refresh failed as a whole: no connection, credentials refused, the deadline passed. */
  ClustersUnreachable: "ClustersUnreachable",
  /** Clusters with a CR whose EMQX API cannot be read (`NodeStatusStale` True: node lists are the last good ones). */
  ClustersStatusStale: "ClustersStatusStale",
  /** Clusters with a CR whose writes keep failing (`ReconcileFailed` True). */
  ClustersReconcileFailing: "ClustersReconcileFailing",
  /** Clusters of a forwarder shard whose watch window failed (no hints from them until the next window). */
  ClustersWatchFailing: "ClustersWatchFailing",
} as const;
/** A fleet metric's name. */
export type FleetMetricName = (typeof FleetMetric)[keyof typeof FleetMetric];

/** Milliseconds per pass, one value per pass, so CloudWatch answers p50 and p99. */
export const LatencyMetric = {
  /** Wall time of one reconcile pass of one CR in the reconcile function. */
  ReconcileDuration: "ReconcileDuration",
  /** Wall time of one status run over every registered cluster. */
  StatusRunDuration: "StatusRunDuration",
} as const;

/** How a reconcile pass ended (the runtime's `ReconcileOutcomeKind`), each counted as `Reconcile_<outcome>`. */
export const RECONCILE_OUTCOMES = [
  "absent",
  "deleting",
  "invalid",
  "failing",
  "converged",
  "progressing",
] as const;
/** How a scale request ended (the runtime's `ScaleOutcome`), each counted as `Scale_<outcome>`. */
export const SCALE_OUTCOMES = ["scaled", "unchanged", "absent", "rejected"] as const;

/** Counters, summed per invocation. */
export const COUNTERS = [
  "HintsForwarded",
  "HintsAdmitted",
  "HintsDropped",
  "HintsRejected",
  "HintsCoalesced",
  "ReconcileTerminal",
  "ReconcileClusterDeadline",
  "RequeuesDue",
  "RequeuesDelayedAgain",
  "ScaleRequestsRefused",
  "StatusPatched",
  ...RECONCILE_OUTCOMES.map((o) => `Reconcile_${o}` as const),
  ...SCALE_OUTCOMES.map((o) => `Scale_${o}` as const),
] as const;
/** A counter's name. */
export type CounterName = (typeof COUNTERS)[number];

/** Every metric name the functions emit; each is one billed custom metric (one dimension set). */
export const METRIC_NAMES: readonly string[] = [
  ...Object.values(FleetMetric),
  ...Object.values(LatencyMetric),
  ...COUNTERS,
];

/** The structured log field that marks a finding line and holds its fleet metric's name. */
export const FINDING_FIELD = "fleetSignal";
