/**
 * An alarm on every DLQ (anything in it is a failure someone should look at), on each function's errors, and on
 * each fleet metric (some cluster unreachable, stale, reconcile failing or unwatched for minutes; the description
 * names the saved query that says which).
 */
import { METRIC_DIMENSIONS, METRIC_NAMESPACE } from "@emqx-reconciler/functions/metrics";
import * as fns from "./functions.ts";
import { alarmDescription, fleetAlarms } from "./observability.ts";
import { asyncDlq, delayDlq, reconcileDlq, ruleDlq, scheduleDlq } from "./queues.ts";
import { alarmTopicArn } from "./settings.ts";

const actions = alarmTopicArn ? [alarmTopicArn] : [];
/** Every DLQ by the name its alarm and dashboard line carry. */
export const dlqs = {
  ReconcileDlq: reconcileDlq,
  DelayDlq: delayDlq,
  RuleDlq: ruleDlq,
  AsyncDlq: asyncDlq,
  ScheduleDlq: scheduleDlq,
};

export const dlqAlarms = Object.entries(dlqs).map(
  ([name, queue]) =>
    new aws.cloudwatch.MetricAlarm(`${name}NotEmpty`, {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: queue.nodes.queue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmDescription: `emqx-reconciler: messages in ${name}; inspect and redrive`,
      alarmActions: actions,
    }),
);

export const errorAlarms = Object.entries(fns).map(
  ([name, fn]) =>
    new aws.cloudwatch.MetricAlarm(`${name}Errors`, {
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: fn.name },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 3,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmDescription: `emqx-reconciler: ${name} failing for 15 minutes`,
      alarmActions: actions,
    }),
);

export const fleetMetricAlarms = Object.entries(fleetAlarms).map(
  ([key, spec]) =>
    new aws.cloudwatch.MetricAlarm(`${key}Alarm`, {
      namespace: METRIC_NAMESPACE,
      metricName: spec.metricName,
      dimensions: { ...METRIC_DIMENSIONS },
      statistic: spec.statistic,
      period: spec.periodSeconds,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.evaluationPeriods,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      // No data means the measuring function did not run; its own error and schedule alarms say so.
      treatMissingData: "missing",
      alarmDescription: alarmDescription(key as keyof typeof fleetAlarms),
      alarmActions: actions,
      okActions: actions,
    }),
);
