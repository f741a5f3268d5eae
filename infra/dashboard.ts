/**
 * The fleet dashboard, the saved Logs Insights queries that name the clusters behind each fleet metric, and the
 * Contributor Insights rule ranking clusters by finding lines — all built from `observability.ts`.
 */
import { dlqs } from "./alarms.ts";
import * as fns from "./functions.ts";
import {
  CONTRIBUTOR_RULE_NAME,
  contributorRuleDefinition,
  dashboardBody,
  findingSource,
  findingsQuery,
  findingsQueryName,
  fleetAlarms,
} from "./observability.ts";

/** A function's log group (SST names it after the function; `logging.format: json` keeps our fields queryable). */
const logGroupOf = (fn: sst.aws.Function) => $interpolate`/aws/lambda/${fn.name}`;
const findingLogGroups = { status: logGroupOf(fns.status), forwarder: logGroupOf(fns.forwarder) };

export const findingsQueries = Object.entries(fleetAlarms).map(
  ([key, spec]) =>
    new aws.cloudwatch.QueryDefinition(`${key}Query`, {
      name: findingsQueryName(spec.metricName),
      logGroupNames: [findingLogGroups[findingSource[key as keyof typeof fleetAlarms]]],
      queryString: findingsQuery(spec.metricName),
    }),
);

export const failingClustersRule = new aws.cloudwatch.ContributorInsightRule("FailingClustersRule", {
  ruleName: `${CONTRIBUTOR_RULE_NAME}-${$app.stage}`,
  ruleState: "ENABLED",
  ruleDefinition: $util
    .all([findingLogGroups.status, findingLogGroups.forwarder])
    .apply((groups) => contributorRuleDefinition(groups)),
});

export const dashboard = new aws.cloudwatch.Dashboard("FleetDashboard", {
  dashboardName: `emqx-reconciler-${$app.stage}`,
  dashboardBody: $util
    .all([
      aws.getRegionOutput().region,
      findingLogGroups.status,
      findingLogGroups.forwarder,
      ...Object.values(dlqs).map((q) => q.nodes.queue.name),
    ])
    .apply((names: string[]) => {
      const [region = "", status = "", forwarder = "", ...queueNames] = names;
      return dashboardBody({
        region,
        dlqs: Object.fromEntries(Object.keys(dlqs).map((label, i) => [label, queueNames[i] ?? ""])),
        findingLogGroups: [status, forwarder],
      });
    }),
});
