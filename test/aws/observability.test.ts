/**
 * The declared fleet observability (infra/observability.ts, which alarms.ts and dashboard.ts build) checked
 * without SST: the dashboard and the alarms reference only metrics the functions emit, with the dimensions they
 * are emitted with and never a cluster; every alarm names a saved query that selects its finding lines; and the
 * definitions are accepted by the CloudWatch API (moto).
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DescribeInsightRulesCommand,
  GetDashboardCommand,
  PutDashboardCommand,
  PutInsightRuleCommand,
  PutMetricAlarmCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  FINDING_FIELD,
  FleetMetric,
  LatencyMetric,
  METRIC_DIMENSIONS,
  METRIC_NAMES,
  METRIC_NAMESPACE,
} from "@emqx-reconciler/functions/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  alarmDescription,
  CONTRIBUTOR_RULE_NAME,
  contributorRuleDefinition,
  dashboardBody,
  findingSource,
  findingsQuery,
  findingsQueryName,
  fleetAlarms,
} from "../../infra/observability.ts";
import { type MotoServer, startMoto } from "./support/moto.ts";

const inputs = {
  region: "eu-west-1",
  dlqs: { ReconcileDlq: "reconcile-dlq.fifo", DelayDlq: "delay-dlq" },
  findingLogGroups: ["/aws/lambda/status", "/aws/lambda/forwarder"],
};

interface Widget {
  type: string;
  properties: { metrics?: unknown[][]; query?: string };
}

/** Every metric row of the dashboard as `{ namespace, name, dimensions }`. */
function dashboardMetrics(body: string) {
  const { widgets } = JSON.parse(body) as { widgets: Widget[] };
  return widgets.flatMap((w) =>
    (w.properties.metrics ?? []).map((row) => {
      const plain = row.filter((cell) => typeof cell === "string") as string[];
      const [namespace = "", name = "", ...pairs] = plain;
      const dimensions: Record<string, string> = {};
      for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i] ?? ""] = pairs[i + 1] ?? "";
      return { namespace, name, dimensions };
    }),
  );
}

let moto: MotoServer;
let cloudWatch: CloudWatchClient;
beforeAll(async () => {
  moto = await startMoto();
  cloudWatch = new CloudWatchClient(moto.clientConfig);
});
afterAll(() => moto?.stop());

describe("the fleet dashboard", () => {
  it("shows only metrics the functions emit, with their emitted dimensions, and AWS's own DLQ depth", () => {
    const metrics = dashboardMetrics(dashboardBody(inputs));
    const ours = metrics.filter((m) => m.namespace === METRIC_NAMESPACE);
    for (const m of ours) {
      expect(METRIC_NAMES, m.name).toContain(m.name);
      expect(m.dimensions).toEqual(METRIC_DIMENSIONS);
    }
    const names = new Set(ours.map((m) => m.name));
    for (const name of [...Object.values(FleetMetric), LatencyMetric.ReconcileDuration])
      expect(names).toContain(name);
    const others = metrics.filter((m) => m.namespace !== METRIC_NAMESPACE);
    expect(others).toEqual(
      Object.values(inputs.dlqs).map((queue) => ({
        namespace: "AWS/SQS",
        name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue },
      })),
    );
    expect(dashboardBody(inputs)).not.toMatch(/"Cluster"/);
  });

  it("plots reconcile latency as p50 and p99, and names the clusters behind the counts from the logs", () => {
    const { widgets } = JSON.parse(dashboardBody(inputs)) as { widgets: Widget[] };
    const latency = widgets
      .flatMap((w) => w.properties.metrics ?? [])
      .filter((row) => row[1] === "ReconcileDuration");
    expect(latency.map((row) => (row.at(-1) as { stat: string }).stat)).toEqual(["p50", "p99"]);
    const [log] = widgets.filter((w) => w.type === "log");
    for (const group of inputs.findingLogGroups) expect(log?.properties.query).toContain(`SOURCE '${group}'`);
    expect(log?.properties.query).toContain(`by ${FINDING_FIELD}, cluster`);
  });

  it("is accepted by the CloudWatch API", async () => {
    await cloudWatch.send(
      new PutDashboardCommand({ DashboardName: "fleet", DashboardBody: dashboardBody(inputs) }),
    );
    const stored = await cloudWatch.send(new GetDashboardCommand({ DashboardName: "fleet" }));
    expect(JSON.parse(stored.DashboardBody ?? "{}")).toEqual(JSON.parse(dashboardBody(inputs)));
  });
});

describe("the fleet alarms", () => {
  it("watch fleet metrics without a cluster dimension, and each description names the query that says which cluster", () => {
    for (const [key, spec] of Object.entries(fleetAlarms)) {
      expect(Object.values(FleetMetric)).toContain(spec.metricName);
      const description = alarmDescription(key as keyof typeof fleetAlarms);
      expect(description).toContain(findingsQueryName(spec.metricName));
      expect(description).toContain(`${findingSource[key as keyof typeof fleetAlarms]} function`);
      expect(findingsQuery(spec.metricName)).toContain(`filter ${FINDING_FIELD} = "${spec.metricName}"`);
      expect(findingsQuery(spec.metricName)).toMatch(/by cluster, namespace, name/);
      expect(spec.periodSeconds * spec.evaluationPeriods).toBeLessThanOrEqual(600);
    }
  });

  it("are accepted by the CloudWatch API as declared", async () => {
    for (const [key, spec] of Object.entries(fleetAlarms))
      await cloudWatch.send(
        new PutMetricAlarmCommand({
          AlarmName: key,
          Namespace: METRIC_NAMESPACE,
          MetricName: spec.metricName,
          Dimensions: Object.entries(METRIC_DIMENSIONS).map(([Name, Value]) => ({ Name, Value })),
          Statistic: spec.statistic,
          Period: spec.periodSeconds,
          EvaluationPeriods: spec.evaluationPeriods,
          Threshold: 0,
          ComparisonOperator: "GreaterThanThreshold",
          AlarmDescription: alarmDescription(key as keyof typeof fleetAlarms),
        }),
      );
    const { MetricAlarms = [] } = await cloudWatch.send(new DescribeAlarmsCommand({}));
    expect(MetricAlarms.map((a) => a.AlarmName).sort()).toEqual(Object.keys(fleetAlarms).sort());
  });
});

describe("the Contributor Insights rule", () => {
  it("ranks clusters by finding lines of every fleet signal, and is accepted by the CloudWatch API", async () => {
    const definition = contributorRuleDefinition(inputs.findingLogGroups);
    const rule = JSON.parse(definition);
    expect(rule.Contribution.Keys).toEqual(["$.cluster", `$.${FINDING_FIELD}`]);
    expect(rule.Contribution.Filters[0].In.sort()).toEqual(Object.keys(fleetAlarms).sort());
    await cloudWatch.send(
      new PutInsightRuleCommand({
        RuleName: CONTRIBUTOR_RULE_NAME,
        RuleDefinition: definition,
        RuleState: "ENABLED",
      }),
    );
    const { InsightRules = [] } = await cloudWatch.send(new DescribeInsightRulesCommand({}));
    expect(InsightRules.map((r) => r.Name)).toEqual([CONTRIBUTOR_RULE_NAME]);
  });
});
