/**
 * Forwarder PutEvents throughput against moto: hints/s through `EventPublisher` (≤ 10 entries a request, 4 in
 * flight) to a bus whose reconcile-hint rule delivers to an SQS queue, as in the deployed topology.
 * Run: node test/aws/bench/putEvents.ts [hints=2000]
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { SQSClient } from "@aws-sdk/client-sqs";
import { EventPublisher, eventBridgeTarget } from "@emqx-reconciler/adapters/aws";
import { busPatterns, DetailType, EventSource } from "@emqx-reconciler/api";
import { startMoto } from "../support/moto.ts";
import { createQueue } from "../support/resources.ts";

const total = Number(process.argv[2] ?? 2000);
const moto = await startMoto();

function hints(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    Source: EventSource.Forwarder,
    DetailType: DetailType.ReconcileHint,
    Detail: JSON.stringify({
      cluster: "c1",
      namespace: "ns",
      name: `emqx-${i}`,
      uid: `u-${i}`,
      resourceVersion: "1",
      cause: "added",
    }),
  }));
}

async function measure(label: string, eb: EventBridgeClient, bus: string, n: number, maxInFlight: number) {
  const publisher = new EventPublisher(eventBridgeTarget(eb, bus), { maxInFlight });
  const t0 = performance.now();
  const result = await publisher.publish(hints(n));
  const ms = performance.now() - t0;
  console.log(
    `PutEvents → moto, ${label}: ${n} hints, ${publisher.stats.calls} requests, ${maxInFlight} in flight: ` +
      `${((n * 1000) / ms).toFixed(0)} hints/s, ${(ms / publisher.stats.calls).toFixed(1)} ms/request, failed ${result.FailedEntryCount}`,
  );
}

try {
  const eb = new EventBridgeClient(moto.clientConfig);
  const sqs = new SQSClient(moto.clientConfig);
  const pattern = JSON.stringify(busPatterns.reconcileHints);
  await eb.send(new CreateEventBusCommand({ Name: "rule-only" }));
  await eb.send(new PutRuleCommand({ Name: "hints", EventBusName: "rule-only", EventPattern: pattern }));
  for (const inFlight of [1, 4])
    await measure("bus + matching rule, no target", eb, "rule-only", total, inFlight);
  // moto's SQS slows down as a queue fills, so the delivering case runs on fresh queues and fewer hints.
  for (const inFlight of [1, 4]) {
    const bus = `to-sqs-${inFlight}`;
    await eb.send(new CreateEventBusCommand({ Name: bus }));
    const queue = await createQueue(sqs, `hints-${inFlight}`);
    await eb.send(new PutRuleCommand({ Name: "hints", EventBusName: bus, EventPattern: pattern }));
    await eb.send(
      new PutTargetsCommand({ Rule: "hints", EventBusName: bus, Targets: [{ Id: "q", Arn: queue.arn }] }),
    );
    await measure("rule → SQS target", eb, bus, Math.min(total, 300), inFlight);
  }
} finally {
  await moto.stop();
}
