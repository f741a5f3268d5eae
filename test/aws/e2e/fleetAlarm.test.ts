/**
 * `npm run e2e:aws`, loud failure: a registered cluster loses access (its ServiceAccount is deleted, so every
 * request answers 401) and the status function, run as its schedule would run it, counts it in
 * `ClustersUnreachable` — a fleet metric without a cluster dimension — and names it in a finding log line. The
 * EMF it prints is turned into metric data as CloudWatch does and put into moto next to the declared alarm;
 * moto stores alarms and metric data but does not evaluate alarms, so the test reads the alarm back and asks
 * moto for the alarm's own statistic over its own period: every datapoint is above the threshold, for as many
 * periods as the alarm evaluates, which is what turns it to ALARM on AWS (within about 5 minutes there, the
 * status function running every minute).
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { METRIC_DIMENSIONS, METRIC_NAMESPACE } from "@emqx-reconciler/functions/metrics";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { alarmDescription, findingsQuery, fleetAlarms } from "../../../infra/observability.ts";
import { lambdaContext } from "../../../packages/functions/test/context.ts";
import {
  closeTestbed,
  freshNamespace,
  kubectl,
  openTestbed,
  sleep,
  type Testbed,
} from "../../e2e/support/testbed.ts";
import { metricDataOf } from "../support/emf.ts";
import { type AwsTestbed, CLUSTER, openAwsTestbed, reconcilerHome } from "./support/awsTestbed.ts";
import type { Handler } from "./support/lambda.ts";

let testbed: Testbed;
let aws: AwsTestbed;
let ns: string;
let status: Handler;
let cloudWatch: CloudWatchClient;

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-alarm");
  aws = await openAwsTestbed(testbed, ns);
  // The handlers' metrics on, as deployed (the metrics object reads this when the module loads).
  Object.assign(process.env, {
    POWERTOOLS_METRICS_DISABLED: "false",
    POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
  });
  status = ((await import("../../../packages/functions/src/status.ts")) as { handler: Handler }).handler;
  cloudWatch = new CloudWatchClient(aws.moto.clientConfig);
});

afterAll(async () => {
  await aws?.moto.stop();
  await closeTestbed(testbed, ns);
});

/** One scheduled status run; what it printed (EMF blobs and log lines) and what it returned. */
async function statusRun(): Promise<{ printed: string; result: { clusters: number; failed: number } }> {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture);
  try {
    const result = (await status({} as never, lambdaContext("status") as never)) as {
      clusters: number;
      failed: number;
    };
    return { printed: chunks.join(""), result };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The finding lines a run printed, as objects. */
function findings(printed: string): Array<Record<string, string>> {
  return printed
    .split("\n")
    .filter((line) => line.includes('"fleetSignal"'))
    .map((line) => JSON.parse(line) as Record<string, string>);
}

/** The value of one metric in what a run printed, from the EMF CloudWatch would extract. */
function emitted(printed: string, name: string): number[] {
  return (metricDataOf(printed).get(METRIC_NAMESPACE) ?? [])
    .filter((d) => d.MetricName === name)
    .map((d) => d.Value ?? Number.NaN);
}

describe("a registered cluster that loses access (moto + sandbox)", () => {
  it("R26 is counted in ClustersUnreachable and named in a finding, and the metric data breaches the declared alarm", {
    timeout: 180_000,
  }, async () => {
    const spec = fleetAlarms.ClustersUnreachable;
    const before = await statusRun();
    // The testbed also registers a dead cluster: it is the one unreachable cluster so far.
    expect(before.result).toEqual({ clusters: 2, failed: 1 });
    expect(emitted(before.printed, spec.metricName)).toEqual([1]);
    expect(findings(before.printed).map((f) => f.cluster)).toEqual(["dead"]);

    await kubectl(testbed, ["delete", "serviceaccount", "reconciler", "-n", reconcilerHome()]);
    // The apiserver caches a token's authentication for a few seconds: wait until the first run sees the loss.
    const deadline = Date.now() + 90_000;
    while ((await statusRun()).result.failed < 2) {
      if (Date.now() > deadline) throw new Error("the revoked cluster was still reachable after 90 s");
      await sleep(1_000);
    }

    // The status schedule runs every minute; five runs fill the alarm's 5-minute period.
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await statusRun());
    for (const run of runs) {
      expect(run.result).toEqual({ clusters: 2, failed: 2 });
      expect(emitted(run.printed, spec.metricName)).toEqual([2]);
      const lost = findings(run.printed).find((f) => f.cluster === CLUSTER);
      expect(lost).toMatchObject({ level: "WARN", fleetSignal: spec.metricName, cluster: CLUSTER });
      expect(lost?.reason).toMatch(/401|Unauthorized/i);
    }
    // No metric names a cluster: the only dimension is the service.
    const data = runs.flatMap((run) => metricDataOf(run.printed).get(METRIC_NAMESPACE) ?? []);
    for (const datum of data)
      expect(datum.Dimensions).toEqual(
        Object.entries(METRIC_DIMENSIONS).map(([Name, Value]) => ({ Name, Value })),
      );

    await cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: "ClustersUnreachableAlarm",
        Namespace: METRIC_NAMESPACE,
        MetricName: spec.metricName,
        Dimensions: Object.entries(METRIC_DIMENSIONS).map(([Name, Value]) => ({ Name, Value })),
        Statistic: spec.statistic,
        Period: spec.periodSeconds,
        EvaluationPeriods: spec.evaluationPeriods,
        DatapointsToAlarm: spec.evaluationPeriods,
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
        TreatMissingData: "missing",
        AlarmDescription: alarmDescription("ClustersUnreachable"),
      }),
    );
    for (let i = 0; i < data.length; i += 20)
      await cloudWatch.send(
        new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: data.slice(i, i + 20) }),
      );

    const [alarm] =
      (await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ["ClustersUnreachableAlarm"] })))
        .MetricAlarms ?? [];
    expect(alarm?.AlarmDescription).toContain("emqx-reconciler/ClustersUnreachable");
    const now = Date.now();
    const stats = await cloudWatch.send(
      new GetMetricStatisticsCommand({
        Namespace: alarm?.Namespace,
        MetricName: alarm?.MetricName,
        Dimensions: alarm?.Dimensions,
        Statistics: [alarm?.Statistic ?? "Minimum"],
        Period: alarm?.Period,
        StartTime: new Date(now - 2 * 3600_000),
        EndTime: new Date(now + 60_000),
      }),
    );
    const points = stats.Datapoints ?? [];
    expect(points.length).toBeGreaterThanOrEqual(alarm?.EvaluationPeriods ?? 1);
    for (const point of points)
      expect(point[alarm?.Statistic as "Minimum"] ?? 0).toBeGreaterThan(alarm?.Threshold ?? 0);
    // The query the description names finds the lost cluster's lines.
    expect(findingsQuery(spec.metricName)).toContain(`fleetSignal = "${spec.metricName}"`);
  });
});
