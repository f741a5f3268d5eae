/**
 * One Lambda per handler, each with only the permissions its handler uses (infra/permissions.ts). Environment variables are the ones `packages/functions/src/config.ts` reads.
 */
import { type HandlerName, handlerPath, LAMBDA_ESBUILD } from "@emqx-reconciler/functions/handlers";
import { bus } from "./bus.ts";
import { functionPermissions } from "./permissions.ts";
import { asyncDlq, delayQueue, reconcileQueue } from "./queues.ts";
import { registryParameter, registrySource } from "./registry.ts";
import {
  clusterRoleArns,
  forwarderMemoryMb,
  forwarderResyncSeconds,
  forwarderSchedule,
  forwarderWindowSeconds,
  rateSeconds,
} from "./settings.ts";
import { ASYNC_MAX_EVENT_AGE_SECONDS, ASYNC_RETRIES, functions, LOG_RETENTION } from "./topology.ts";

const account = aws.getCallerIdentityOutput().accountId;
const region = aws.getRegionOutput().region;
/** Each function's IAM statements (infra/permissions.ts, checked against test/security/iam.allowlist.yaml). */
const permissions = functionPermissions<$util.Input<string>>({
  registryParameter: registryParameter.arn,
  bus: bus.arn,
  reconcileQueue: reconcileQueue.arn,
  delayQueue: delayQueue.arn,
  asyncDlq: asyncDlq.arn,
  kubeconfigSecrets: $interpolate`arn:aws:secretsmanager:${region}:${account}:secret:emqx-reconciler/*`,
  clusterRoles: clusterRoleArns,
  ownClusterRoles: $interpolate`arn:aws:iam::${account}:role/emqx-reconciler-*`,
});

function lambda(name: HandlerName, environment: Record<string, $util.Input<string>> = {}) {
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
    nodejs: {
      format: "esm",
      minify: true,
      splitting: LAMBDA_ESBUILD.splitting,
      esbuild: { define: LAMBDA_ESBUILD.define },
    },
    environment: {
      REGISTRY_SOURCE: registrySource,
      POWERTOOLS_METRICS_NAMESPACE: "EmqxReconciler",
      ...environment,
    },
    permissions: permissions[name],
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

/** V8 semi-space size of the forwarder shard, in MB (its `NODE_OPTIONS`), or the runtime's own if smaller. */
const FORWARDER_SEMI_SPACE_MB = 8;
/**
 * The forwarder's V8 heap flags. Lambda's Node bootstrap adds its own semi-space and old-space flags only when
 * `NODE_OPTIONS` names neither; naming one leaves the other at V8's default (about half the memory), so both are
 * named: the old space the runtime would give (the memory less a tenth for the young generation), and semi-spaces
 * of {@link FORWARDER_SEMI_SPACE_MB}, or the runtime's own when smaller.
 */
function forwarderHeapOptions(memoryMb: number): string {
  const young = Math.floor(memoryMb / 10);
  const semiSpace = Math.min(FORWARDER_SEMI_SPACE_MB, Math.floor(young / 2));
  return `--max-semi-space-size=${semiSpace} --max-old-space-size=${memoryMb - young}`;
}

/** Clusters of a forwarder shard that open (list, then start watching) at once. */
const FORWARDER_OPEN_CONCURRENCY = 50;

const queueUrls = { RECONCILE_QUEUE_URL: reconcileQueue.url, DELAY_QUEUE_URL: delayQueue.url };

export const admit = lambda("admit", queueUrls);
export const reconcile = lambda("reconcile", { ...queueUrls, BUS_NAME: bus.name });
export const requeue = lambda("requeue", queueUrls);
export const status = lambda("status", { BUS_NAME: bus.name });
export const forwarder = lambda("forwarder", {
  BUS_NAME: bus.name,
  FORWARDER_WINDOW_SECONDS: String(forwarderWindowSeconds),
  FORWARDER_EVERY_SECONDS: String(rateSeconds(forwarderSchedule)),
  FORWARDER_RESYNC_SECONDS: String(forwarderResyncSeconds),
  KUBE_HTTP2: "true",
  // Smaller V8 semi-spaces than the runtime's tenth of the memory (25 MB at 512 MB): the young generation is most
  // of the shard's peak above what its clusters hold. The open gate bounds the opening lists in flight.
  NODE_OPTIONS: forwarderHeapOptions(forwarderMemoryMb),
  FORWARDER_OPEN_CONCURRENCY: String(FORWARDER_OPEN_CONCURRENCY),
});
export const scale = lambda("scale");
