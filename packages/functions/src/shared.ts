/**
 * The light half of the module-scope wiring, built once per warm function: AWS clients, the cluster
 * registry, the hint queues and the bus. Imports only what admit and requeue need, so their bundles stay small.
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { ClusterRegistryReader, eventBridgeTarget, HintQueue } from "@emqx-reconciler/adapters/aws";
import type { PutEventsTarget } from "@emqx-reconciler/api";
import { loadConfig, requireEnv } from "./config.ts";

let memo: ReturnType<typeof build> | undefined;

function build() {
  const config = loadConfig();
  const clients = { sts: new STSClient({}), secretsManager: new SecretsManagerClient({}) };
  const ssm = new SSMClient({});
  const registry = new ClusterRegistryReader({
    source: config.registry,
    ssm,
    secretsManager: clients.secretsManager,
    ttlMs: config.registryTtlMs,
  });
  return { config, sqs: new SQSClient({}), eventBridge: new EventBridgeClient({}), clients, registry };
}

/** The warm function's shared clients and registry, built on first use. */
export function shared() {
  memo ??= build();
  return memo;
}

/** Forgets every client and cache (tests that change the environment between invocations). */
export function resetShared(): void {
  memo = undefined;
}

/** The hint queues, from `RECONCILE_QUEUE_URL` and `DELAY_QUEUE_URL`. */
export function hintQueue(): HintQueue {
  const reconcileQueueUrl = requireEnv(process.env, "RECONCILE_QUEUE_URL");
  return new HintQueue(shared().sqs, { reconcileQueueUrl, delayQueueUrl: process.env.DELAY_QUEUE_URL });
}

/** The raw PutEvents target for `BUS_NAME` (the forwarder batches and resends itself). */
export function busTarget(): PutEventsTarget {
  return eventBridgeTarget(shared().eventBridge, requireEnv(process.env, "BUS_NAME"));
}
