/**
 * Deploy-time settings, read from the environment of `sst deploy` (documented in docs/deploy.md) so a stage can
 * change a cadence or add a hint or scale publisher without editing code.
 */
import { functions, schedules } from "./topology.ts";

const env = process.env;

/** Status refresh cadence, e.g. `rate(2 minutes)`. */
export const statusSchedule = (env.EMQX_STATUS_SCHEDULE ??
  schedules.status.defaultSchedule) as `rate(${string})`;
/** Watch-window cadence; keep it under the window length so windows overlap. */
export const forwarderSchedule = (env.EMQX_FORWARDER_SCHEDULE ??
  schedules.forwarder.defaultSchedule) as `rate(${string})`;
/** Seconds between resync windows (each resyncs every CR once); at most the watch-window cadence resyncs every window. */
export const forwarderResyncSeconds = Number(
  env.EMQX_FORWARDER_RESYNC_SECONDS ?? schedules.forwarder.resyncSeconds,
);
/**
 * Length of each watch window in seconds. The default (a little over the cadence) makes windows overlap, so every
 * change is hinted at once; a shorter window (the large-fleet setting of docs/deploy.md) bills the shard for less
 * time, and a change made between two windows is then hinted by the next resync window instead.
 */
export const forwarderWindowSeconds = Number(
  env.EMQX_FORWARDER_WINDOW_SECONDS ?? schedules.forwarder.windowSeconds,
);
/** Seconds between watch windows, from `rate(N minute[s])` / `rate(N hour[s])`. */
export function rateSeconds(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!match) throw new Error(`not a rate(N minutes) / rate(N hours) schedule: ${expression}`);
  return Number(match[1]) * (match[2]?.startsWith("hour") ? 3600 : 60);
}
/**
 * Memory of each forwarder shard, in MB (Lambda allows any value from 128 to 10,240): about the deployed
 * bundle's 61 MiB plus 0.35 MiB per cluster watched over HTTP/2, over 0.8 for headroom (docs/deploy.md sizes it).
 */
export const forwarderMemoryMb = Number(env.EMQX_FORWARDER_MEMORY_MB ?? functions.forwarder.memoryMb);
/** Forwarder shards: one schedule each, clusters spread by a stable hash of their id. */
export const forwarderShards = Math.max(1, Number(env.EMQX_FORWARDER_SHARDS ?? 1));
/** IAM principal ARNs besides the forwarder allowed to put hints (comma-separated), e.g. an in-cluster forwarder. */
export const extraHintPublishers = (env.EMQX_HINT_PUBLISHERS ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
/**
 * IAM principal ARNs allowed to put `ScaleRequest` events (comma-separated), e.g. an autoscaler's role; with none,
 * the bus policy denies scale requests to everyone.
 */
export const scalePublishers = (env.EMQX_SCALE_PUBLISHERS ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
/** Where alarms notify (an SNS topic ARN); alarms are created either way. */
export const alarmTopicArn = env.EMQX_ALARM_TOPIC_ARN;
/**
 * IAM role ARNs the functions may assume to reach registered clusters (comma-separated, each
 * `arn:aws:iam::<account>:role/<name>`); with none, only this account's `emqx-reconciler-*` roles. Never a role
 * of an account nobody named.
 */
export const clusterRoleArns = (env.EMQX_CLUSTER_ROLE_ARNS ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean)
  .map((arn) => {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn))
      throw new Error(`EMQX_CLUSTER_ROLE_ARNS: not an IAM role ARN: ${arn}`);
    return arn;
  });
