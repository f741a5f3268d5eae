/**
 * Logger and metrics shared by every handler (Powertools): JSON log lines with the Lambda context, metrics as
 * CloudWatch EMF flushed at the end of each invocation, and the middy chain that wires both. Metric names come
 * from the catalogue (`metricCatalog.ts`) and carry only the service dimension: per-cluster detail goes to the
 * structured log lines of {@link logFinding}, never into a metric dimension.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { redactingReplacer } from "@emqx-reconciler/api";
import type { Logger as RuntimeLogger } from "@emqx-reconciler/runtime";
import middy from "@middy/core";
import {
  type CounterName,
  FINDING_FIELD,
  type FleetMetricName,
  type LatencyMetric,
  METRIC_NAMESPACE,
  METRIC_SERVICE,
} from "./metricCatalog.ts";

const serviceName = METRIC_SERVICE;

/**
 * The functions' logger; per-CR and per-cluster lines come from `createChild` with the key as a persistent key.
 * Every line goes through the shared redaction layer (`redactingReplacer`, also the CLI logger's rules): values
 * of secret-named keys at any depth, credential-shaped text in the message and in every string.
 */
export const logger = new Logger({ serviceName, jsonReplacerFn: redactingReplacer });

/** The functions' metrics (namespace `EmqxReconciler` unless POWERTOOLS_METRICS_NAMESPACE says otherwise). */
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRIC_NAMESPACE,
});

/** The workflows' logger port over a Powertools logger (whose extra arguments are not optional in its types). */
export function portLogger(persistentKeys: Record<string, string>): Required<RuntimeLogger> {
  const child = logger.createChild({ persistentKeys });
  return {
    debug: (message, fields = {}) => child.debug(message, fields),
    info: (message, fields = {}) => child.info(message, fields),
    warn: (message, fields = {}) => child.warn(message, fields),
    error: (message, fields = {}) => child.error(message, fields),
  };
}

/** Counts `name` once (or `value` times) in this invocation's metrics. */
export function count(name: CounterName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** How many clusters are in the state `name` counts, measured once by this invocation (0 is emitted too). */
export function fleetGauge(name: FleetMetricName, clusters: number): void {
  metrics.addMetric(name, MetricUnit.Count, clusters);
}

/** One duration; several in one invocation are kept as separate values, so percentiles stay exact. */
export function latency(name: keyof typeof LatencyMetric, milliseconds: number): void {
  metrics.addMetric(name, MetricUnit.Milliseconds, Math.round(milliseconds));
}

/** A cluster (and CR) behind a fleet metric, as one structured log line: what Logs Insights and Contributor Insights read. */
export interface Finding {
  signal: FleetMetricName;
  cluster: string;
  namespace?: string;
  name?: string;
  reason: string;
}

/** Logs one finding: a warning whose `fleetSignal` field names the fleet metric it counts toward. */
export function logFinding(finding: Finding): void {
  const { signal, ...rest } = finding;
  logger.warn(`Cluster counted in ${signal}`, { [FINDING_FIELD]: signal, ...rest });
}

/**
 * A middy handler with the Lambda context on every log line (temporary keys reset per invocation) and metrics
 * flushed at its end. `timeoutEarlyInMillis` leaves time to flush before Lambda's own timeout. No `ColdStart`
 * metric: it would be one more billed metric per function, and Lambda's REPORT line already shows each cold
 * start's `Init Duration`.
 */
export function withObservability<TEvent = unknown, TResult = unknown>() {
  return middy<TEvent, TResult>({ timeoutEarlyInMillis: 2000 })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
