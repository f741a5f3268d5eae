/** An alarm on every DLQ (anything in it is a failure someone should look at) and on each function's errors. */
import * as fns from "./functions.ts";
import { asyncDlq, delayDlq, reconcileDlq, ruleDlq, scheduleDlq } from "./queues.ts";
import { alarmTopicArn } from "./settings.ts";

const actions = alarmTopicArn ? [alarmTopicArn] : [];
const dlqs = {
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
