/**
 * Logger and metrics shared by every handler (Powertools): JSON log lines with the Lambda context, metrics as
 * CloudWatch EMF flushed at the end of each invocation, and the middy chain that wires both.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { redactingReplacer } from "@emqx-reconciler/api";
import type { Logger as RuntimeLogger } from "@emqx-reconciler/runtime";
import middy from "@middy/core";

const serviceName = "emqx-reconciler";

/**
 * The functions' logger; per-CR and per-cluster lines come from `createChild` with the key as a persistent key.
 * Every line goes through the shared redaction layer (`redactingReplacer`, also the CLI logger's rules): values
 * of secret-named keys at any depth, credential-shaped text in the message and in every string.
 */
export const logger = new Logger({ serviceName, jsonReplacerFn: redactingReplacer });

/** The functions' metrics (namespace `EmqxReconciler` unless POWERTOOLS_METRICS_NAMESPACE says otherwise). */
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "EmqxReconciler",
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

/** Counts `name` once in this invocation's metrics. */
export function count(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** One metric with a `Cluster` dimension, flushed at once (per-cluster health must not share one EMF blob). */
export function clusterMetric(cluster: string, name: string, value: number): void {
  const single = metrics.singleMetric();
  single.addDimension("Cluster", cluster);
  single.addMetric(name, MetricUnit.Count, value);
}

/**
 * A middy handler with the Lambda context on every log line (temporary keys reset per invocation) and metrics
 * flushed at its end. `timeoutEarlyInMillis` leaves time to flush before Lambda's own timeout.
 */
export function withObservability<TEvent = unknown, TResult = unknown>() {
  return middy<TEvent, TResult>({ timeoutEarlyInMillis: 2000 })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
