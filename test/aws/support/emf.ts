/**
 * What CloudWatch does with the Embedded Metric Format lines a Lambda prints: each `_aws.CloudWatchMetrics`
 * directive becomes metric data (one datum per value, with the directive's dimensions and timestamp). The wire
 * tests put that data into moto, so alarms and dashboards are checked against what the handlers really emit.
 */
import type { MetricDatum } from "@aws-sdk/client-cloudwatch";

interface Directive {
  Namespace: string;
  Dimensions: string[][];
  Metrics: Array<{ Name: string; Unit?: string }>;
}

/** Metric data by namespace, from printed text (non-EMF lines are skipped). */
export function metricDataOf(printed: string): Map<string, MetricDatum[]> {
  const byNamespace = new Map<string, MetricDatum[]>();
  for (const line of printed.split("\n")) {
    if (!line.includes('"CloudWatchMetrics"')) continue;
    const blob = JSON.parse(line) as Record<string, unknown> & {
      _aws: { Timestamp: number; CloudWatchMetrics: Directive[] };
    };
    for (const directive of blob._aws.CloudWatchMetrics) {
      const data = byNamespace.get(directive.Namespace) ?? [];
      byNamespace.set(directive.Namespace, data);
      for (const dimensionSet of directive.Dimensions)
        for (const metric of directive.Metrics) {
          const raw = blob[metric.Name];
          for (const value of Array.isArray(raw) ? raw : [raw])
            data.push({
              MetricName: metric.Name,
              Dimensions: dimensionSet.map((name) => ({ Name: name, Value: String(blob[name]) })),
              Timestamp: new Date(blob._aws.Timestamp),
              Value: Number(value),
              ...(metric.Unit ? { Unit: metric.Unit as MetricDatum["Unit"] } : {}),
            });
        }
    }
  }
  return byNamespace;
}
