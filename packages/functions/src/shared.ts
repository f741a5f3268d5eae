/**
 * The light half of the module-scope wiring, built once per warm function: AWS clients, the cluster registry,
 * the hint queues and the bus. Each SDK client's package is imported the first time a handler needs that client,
 * so a cold import loads none of them and a handler only ever loads the ones it calls (admit and requeue never
 * load STS or EventBridge; a registry in SSM never loads Secrets Manager for admit).
 */
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { STSClient } from "@aws-sdk/client-sts";
import {
  type ClusterAccessClients,
  ClusterRegistryReader,
  eventBridgeTarget,
  HintQueue,
} from "@emqx-reconciler/adapters/aws";
import type { PutEventsTarget } from "@emqx-reconciler/api";
import { loadConfig, requireEnv } from "./config.ts";

/** Memoises one async load (a rejected load is retried on the next call). */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

function build() {
  const config = loadConfig();
  const sqs = once<SQSClient>(async () => new (await import("@aws-sdk/client-sqs")).SQSClient({}));
  const ssm = once<SSMClient>(async () => new (await import("@aws-sdk/client-ssm")).SSMClient({}));
  const sts = once<STSClient>(async () => new (await import("@aws-sdk/client-sts")).STSClient({}));
  const eventBridge = once<EventBridgeClient>(
    async () => new (await import("@aws-sdk/client-eventbridge")).EventBridgeClient({}),
  );
  const secretsManager = once<SecretsManagerClient>(
    async () => new (await import("@aws-sdk/client-secrets-manager")).SecretsManagerClient({}),
  );
  const clusterClients = once<ClusterAccessClients>(async () => ({
    sts: await sts(),
    secretsManager: await secretsManager(),
  }));
  const registry = once(async () => {
    const { registry: source, registryTtlMs } = config;
    return new ClusterRegistryReader({
      source,
      ...(source.kind === "ssm" ? { ssm: await ssm() } : { secretsManager: await secretsManager() }),
      ttlMs: registryTtlMs,
    });
  });
  return { config, sqs, eventBridge, clusterClients, registry };
}

let memo: ReturnType<typeof build> | undefined;

/** The warm function's settings and client loaders, built on first use. */
export function shared() {
  memo ??= build();
  return memo;
}

/** Forgets every client and cache (tests that change the environment between invocations). */
export function resetShared(): void {
  memo = undefined;
}

/** The cluster registry (cached for `REGISTRY_TTL_SECONDS`), read through the one client its source needs. */
export function registry(): Promise<ClusterRegistryReader> {
  return shared().registry();
}

/** The STS and Secrets Manager clients that reach registered clusters. */
export function clusterClients(): Promise<ClusterAccessClients> {
  return shared().clusterClients();
}

/** The hint queues, from `RECONCILE_QUEUE_URL` and `DELAY_QUEUE_URL`. */
export async function hintQueue(): Promise<HintQueue> {
  const reconcileQueueUrl = requireEnv(process.env, "RECONCILE_QUEUE_URL");
  const sqs = await shared().sqs();
  return new HintQueue(sqs, { reconcileQueueUrl, delayQueueUrl: process.env.DELAY_QUEUE_URL });
}

/** The raw PutEvents target for `BUS_NAME` (the forwarder batches and resends itself). */
export function busTarget(): PutEventsTarget {
  const bus = requireEnv(process.env, "BUS_NAME");
  const client = shared().eventBridge;
  return { putEvents: async (entries) => eventBridgeTarget(await client(), bus).putEvents(entries) };
}
