/**
 * One Lambda per handler, each with only the permissions its handler uses (no `link`: linking a queue or bus
 * grants `sqs:*` / `events:*`). Environment variables are the ones `packages/functions/src/config.ts` reads.
 */
import { type HandlerName, handlerPath } from "@emqx-reconciler/functions/handlers";
import { bus } from "./bus.ts";
import { asyncDlq, delayQueue, reconcileQueue } from "./queues.ts";
import { registryParameter, registrySource } from "./registry.ts";
import {
  clusterRoleArns,
  forwarderMemoryMb,
  forwarderResyncSeconds,
  forwarderSchedule,
  rateSeconds,
} from "./settings.ts";
import {
  ASYNC_MAX_EVENT_AGE_SECONDS,
  ASYNC_RETRIES,
  functions,
  LOG_RETENTION,
  schedules,
} from "./topology.ts";

type Permission = { actions: string[]; resources: $util.Input<string>[] };

const account = aws.getCallerIdentityOutput().accountId;
const region = aws.getRegionOutput().region;
const consume = [
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibility",
  "sqs:GetQueueAttributes",
];
const readRegistry: Permission = { actions: ["ssm:GetParameter"], resources: [registryParameter.arn] };
/**
 * Kubeconfig secrets must be named `emqx-reconciler/...`; cluster roles are the registered ones
 * (`EMQX_CLUSTER_ROLE_ARNS`), or else this account's `emqx-reconciler-...` roles.
 */
const reachClusters: Permission[] = [
  {
    actions: ["secretsmanager:GetSecretValue"],
    resources: [$interpolate`arn:aws:secretsmanager:${region}:${account}:secret:emqx-reconciler/*`],
  },
  {
    actions: ["sts:AssumeRole"],
    resources:
      clusterRoleArns.length > 0
        ? clusterRoleArns
        : [$interpolate`arn:aws:iam::${account}:role/emqx-reconciler-*`],
  },
];
const putEvents: Permission = { actions: ["events:PutEvents"], resources: [bus.arn] };

function lambda(
  name: HandlerName,
  permissions: Permission[],
  environment: Record<string, $util.Input<string>> = {},
) {
  const spec = functions[name];
  const asynchronous = spec.trigger.kind !== "queue";
  const id = `${name[0]?.toUpperCase()}${name.slice(1)}Function`;
  return new sst.aws.Function(id, {
    handler: handlerPath(name),
    runtime: "nodejs24.x",
    architecture: "arm64",
    timeout: `${spec.timeoutSeconds} seconds`,
    memory: `${name === "forwarder" ? forwarderMemoryMb : spec.memoryMb} MB`,
    logging: { retention: LOG_RETENTION, format: "json" },
    nodejs: { format: "esm", minify: true },
    environment: {
      REGISTRY_SOURCE: registrySource,
      POWERTOOLS_METRICS_NAMESPACE: "EmqxReconciler",
      ...environment,
    },
    permissions: [
      readRegistry,
      ...permissions,
      ...(asynchronous ? [{ actions: ["sqs:SendMessage"], resources: [asyncDlq.arn] }] : []),
    ],
    // Rule-driven handlers retry twice; scheduled ones not at all (the next run comes within minutes).
    retries: spec.trigger.kind === "rule" ? ASYNC_RETRIES : asynchronous ? 0 : undefined,
    transform: {
      eventInvokeConfig: (args) => {
        args.maximumEventAgeInSeconds = ASYNC_MAX_EVENT_AGE_SECONDS;
        args.destinationConfig = { onFailure: { destination: asyncDlq.arn } };
      },
    },
  });
}

const queueUrls = { RECONCILE_QUEUE_URL: reconcileQueue.url, DELAY_QUEUE_URL: delayQueue.url };

export const admit = lambda(
  "admit",
  [{ actions: ["sqs:SendMessage"], resources: [reconcileQueue.arn] }],
  queueUrls,
);
export const reconcile = lambda(
  "reconcile",
  [
    { actions: consume, resources: [reconcileQueue.arn] },
    { actions: ["sqs:SendMessage"], resources: [delayQueue.arn] },
    putEvents,
    ...reachClusters,
  ],
  { ...queueUrls, BUS_NAME: bus.name },
);
export const requeue = lambda(
  "requeue",
  [
    { actions: consume, resources: [delayQueue.arn] },
    { actions: ["sqs:SendMessage"], resources: [delayQueue.arn, reconcileQueue.arn] },
  ],
  queueUrls,
);
export const status = lambda("status", [putEvents, ...reachClusters], { BUS_NAME: bus.name });
export const forwarder = lambda("forwarder", [putEvents, ...reachClusters], {
  BUS_NAME: bus.name,
  FORWARDER_WINDOW_SECONDS: String(schedules.forwarder.windowSeconds),
  FORWARDER_EVERY_SECONDS: String(rateSeconds(forwarderSchedule)),
  FORWARDER_RESYNC_SECONDS: String(forwarderResyncSeconds),
  KUBE_HTTP2: "true",
});
export const scale = lambda("scale", reachClusters);
