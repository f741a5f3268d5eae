/**
 * The AWS side of the end-to-end test on moto, built from the declared topology (infra/topology.ts): the bus with
 * the api's patterns as rules, the FIFO reconcile queue and the delay queue with their DLQs, the cluster registry
 * in SSM and the sandbox's kubeconfig in Secrets Manager. The cluster is reached as the functions would reach it:
 * with a ServiceAccount token bound only by the RBAC `emqx-reconciler rbac` prints.
 */

import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { loadKubeconfigFile } from "@emqx-reconciler/adapters";
import * as topology from "../../../../infra/topology.ts";
import { renderRbac } from "../../../../packages/cli/src/commands/rbac.ts";
import { kubectl, type Testbed } from "../../../e2e/support/testbed.ts";
import { type MotoServer, startMoto } from "../../support/moto.ts";
import { createQueue } from "../../support/resources.ts";
import type { QueueRef } from "./lambda.ts";

export const BUS = "emqx-reconciler";
export const REGISTRY = "/emqx-reconciler/e2e/clusters";
/** The sandbox's id in the registry; `dead` is a registered cluster that refuses every connection. */
export const CLUSTER = "sandbox";

export interface AwsTestbed {
  moto: MotoServer;
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  /** Stand-ins for the rules' Lambda targets: each rule delivers to its inbox. */
  inboxes: Record<keyof typeof topology.rules, QueueRef>;
  reconcileQueue: QueueRef;
  delayQueue: QueueRef;
  dlqs: QueueRef[];
  /** The Secrets Manager secret holding the sandbox's kubeconfig (a ServiceAccount bound to the served namespaces). */
  sandboxSecretArn: string;
  /** The registry entries written at start: the sandbox, then the dead cluster. */
  clusters: readonly Record<string, unknown>[];
  /** Replaces the registry parameter; call it before the first invocation (the functions cache the registry). */
  putRegistry(clusters: readonly object[]): Promise<void>;
  /** Stores a kubeconfig for `server` (no TLS material is checked for http) and returns the secret's ARN. */
  putKubeconfig(name: string, server: string): Promise<string>;
}

/** A kubeconfig for an apiserver with a ServiceAccount token (static credentials, as Lambda needs). */
function kubeconfigYaml(server: string, caData: string, token: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server, "certificate-authority-data": caData } }],
    users: [{ name: "u", user: { token } }],
    contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
    "current-context": "c",
  });
}

/** The namespace of this test process's reconciler ServiceAccount (`reconciler`); deleting it revokes access. */
export function reconcilerHome(): string {
  return `emqx-reconciler-system-${process.pid}`;
}

/** A ServiceAccount in a namespace of its own, bound through `rbac --group system:serviceaccounts:<ns>`; its token. */
async function reconcilerToken(testbed: Testbed, served: readonly string[]): Promise<string> {
  const home = reconcilerHome();
  await kubectl(testbed, ["create", "namespace", home]);
  await kubectl(testbed, ["create", "serviceaccount", "reconciler", "-n", home]);
  await kubectl(
    testbed,
    ["apply", "-f", "-"],
    renderRbac({ group: `system:serviceaccounts:${home}`, namespaces: served }),
  );
  return (await kubectl(testbed, ["create", "token", "reconciler", "-n", home, "--duration", "2h"])).trim();
}

function caDataOf(testbed: Testbed): string {
  const { ca } = loadKubeconfigFile(testbed.sandbox.kubeconfigPath).tls;
  if (!ca) throw new Error("The sandbox kubeconfig has no CA");
  return Buffer.from(ca).toString("base64");
}

/**
 * Starts moto, declares the topology on it, registers the sandbox (serving `served`, one namespace or several),
 * and points the handlers' environment at it.
 */
export async function openAwsTestbed(
  testbed: Testbed,
  served: string | readonly string[],
): Promise<AwsTestbed> {
  const namespaces = typeof served === "string" ? [served] : served;
  const moto = await startMoto();
  const cfg = moto.clientConfig;
  const sqs = new SQSClient(cfg);
  const eventBridge = new EventBridgeClient(cfg);
  await eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
  const inboxes = {} as AwsTestbed["inboxes"];
  for (const [name, rule] of Object.entries(topology.rules) as Array<
    [keyof typeof topology.rules, (typeof topology.rules)[keyof typeof topology.rules]]
  >) {
    inboxes[name] = await createQueue(sqs, `${rule.target}-inbox`);
    await eventBridge.send(
      new PutRuleCommand({ Name: name, EventBusName: BUS, EventPattern: JSON.stringify(rule.pattern) }),
    );
    await eventBridge.send(
      new PutTargetsCommand({
        Rule: name,
        EventBusName: BUS,
        Targets: [{ Id: rule.target, Arn: inboxes[name].arn }],
      }),
    );
  }
  const reconcileDlq = await createQueue(sqs, "reconcile-dlq.fifo");
  const delayDlq = await createQueue(sqs, "delay-dlq");
  const redrive = (dlq: QueueRef, maxReceiveCount: number) => ({
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
    VisibilityTimeout: "30",
  });
  const reconcileQueue = await createQueue(
    sqs,
    "reconcile.fifo",
    redrive(reconcileDlq, topology.queues.reconcile.maxReceiveCount),
  );
  const delayQueue = await createQueue(
    sqs,
    "delay",
    redrive(delayDlq, topology.queues.delay.maxReceiveCount),
  );

  const sm = new SecretsManagerClient(cfg);
  const token = await reconcilerToken(testbed, namespaces);
  const live = await sm.send(
    new CreateSecretCommand({
      Name: "emqx-reconciler/sandbox",
      SecretString: kubeconfigYaml(testbed.sandbox.apiserverUrl, caDataOf(testbed), token),
    }),
  );
  const dead = await sm.send(
    new CreateSecretCommand({
      Name: "emqx-reconciler/dead",
      SecretString: kubeconfigYaml("https://127.0.0.1:1", caDataOf(testbed), "x"),
    }),
  );
  const registry = {
    clusters: [
      { id: CLUSTER, auth: { type: "kubeconfig", secretArn: live.ARN }, namespaces },
      { id: "dead", auth: { type: "kubeconfig", secretArn: dead.ARN } },
    ],
  };
  const ssm = new SSMClient(cfg);
  const putRegistry = async (clusters: readonly object[]) => {
    const Value = JSON.stringify({ clusters });
    await ssm.send(new PutParameterCommand({ Name: REGISTRY, Type: "SecureString", Value, Overwrite: true }));
  };
  await putRegistry(registry.clusters);
  const putKubeconfig = async (name: string, server: string) => {
    const secret = kubeconfigYaml(server, caDataOf(testbed), "x");
    return (await sm.send(new CreateSecretCommand({ Name: name, SecretString: secret }))).ARN ?? "";
  };

  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: cfg.region,
    AWS_ACCESS_KEY_ID: cfg.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: cfg.credentials.secretAccessKey,
    REGISTRY_SOURCE: `ssm:${REGISTRY}`,
    BUS_NAME: BUS,
    RECONCILE_QUEUE_URL: reconcileQueue.url,
    DELAY_QUEUE_URL: delayQueue.url,
    CLUSTER_DEADLINE_SECONDS: "10",
    // Windows every 15 s here, and each one resyncs, as the e2e's sped-up schedule expects.
    FORWARDER_EVERY_SECONDS: "15",
    FORWARDER_RESYNC_SECONDS: "15",
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "WARN",
    POWERTOOLS_METRICS_DISABLED: "true",
  });
  return {
    moto,
    sqs,
    eventBridge,
    inboxes,
    reconcileQueue,
    delayQueue,
    dlqs: [reconcileDlq, delayDlq],
    sandboxSecretArn: live.ARN ?? "",
    clusters: registry.clusters,
    putRegistry,
    putKubeconfig,
  };
}
