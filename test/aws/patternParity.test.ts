/**
 * Differential test: our EventBridge pattern matcher (the embedded bus's) and moto's rule engine must agree on
 * every event × pattern of the table. moto has no TestEventPattern, so each pattern becomes a rule with its own
 * queue and the matches are read from what the queues received.
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { SQSClient } from "@aws-sdk/client-sqs";
import { EventPublisher, eventBridgeTarget } from "@emqx-reconciler/adapters/aws";
import { busPatterns } from "@emqx-reconciler/api";
import { matchesPattern } from "@emqx-reconciler/runtime";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type MotoServer, startMoto } from "./support/moto.ts";
import { createQueue, receiveAll } from "./support/resources.ts";

const patterns: Record<string, object> = {
  ...busPatterns,
  exact: { detail: { cluster: ["prod"] } },
  prefix: { source: [{ prefix: "emqx-reconciler." }], detail: { namespace: [{ prefix: "team-" }] } },
  suffix: { detail: { name: [{ suffix: "-edge" }] } },
  ignoreCase: { detail: { cluster: [{ "equals-ignore-case": "PROD" }] } },
  anythingBut: { detail: { cause: [{ "anything-but": ["resync", "requeue"] }] } },
  anythingButPrefix: { detail: { namespace: [{ "anything-but": { prefix: "kube-" } }] } },
  exists: { detail: { uid: [{ exists: true }] } },
  notExists: { detail: { uid: [{ exists: false }] } },
  numeric: { detail: { replicas: [{ numeric: [">", 2, "<=", 5] }] } },
  orTop: { $or: [{ detail: { cluster: ["lab"] } }, { detail: { replicas: [0] } }] },
  arrayValue: { detail: { tags: ["blue"] } },
  nested: { detail: { owner: { kind: ["StatefulSet"] } } },
  multi: {
    source: ["emqx-reconciler.forwarder"],
    detail: { cluster: ["prod"], cause: ["modified", "deleted"] },
  },
};

const events = [
  {
    source: "emqx-reconciler.forwarder",
    type: "ReconcileHint",
    detail: { cluster: "prod", namespace: "team-a", name: "mq-edge", uid: "u", cause: "modified" },
  },
  {
    source: "emqx-reconciler.resync",
    type: "ReconcileHint",
    detail: { cluster: "lab", namespace: "kube-system", name: "mq", cause: "resync" },
  },
  {
    source: "emqx-reconciler.scale",
    type: "ScaleRequest",
    detail: { cluster: "Prod", namespace: "default", name: "mq", role: "core", replicas: 3 },
  },
  {
    source: "emqx-reconciler.scale",
    type: "ScaleRequest",
    detail: { cluster: "prod", namespace: "team-b", name: "edge", role: "core", replicas: 0 },
  },
  {
    source: "emqx-reconciler.status",
    type: "StatusTransition",
    detail: { cluster: "x", namespace: "y", name: "z", tags: ["red", "blue"] },
  },
  {
    source: "emqx-reconciler.forwarder",
    type: "ReconcileHint",
    detail: { cluster: "prod", namespace: "n", name: "m", cause: "deleted", owner: { kind: "StatefulSet" } },
  },
  {
    source: "emqx-reconciler.reconcile",
    type: "ReconcileApplied",
    detail: { cluster: "prod", namespace: "team-c", name: "mq", changes: [] },
  },
  {
    source: "other.app",
    type: "ReconcileHint",
    detail: { cluster: "prod", namespace: "team-z", name: "a-edge", replicas: 5.0 },
  },
];

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto?.stop());

it("our matcher and moto's agree on every event × pattern", async () => {
  const eb = new EventBridgeClient(moto.clientConfig);
  const sqs = new SQSClient(moto.clientConfig);
  await eb.send(new CreateEventBusCommand({ Name: "parity" }));
  const queues: Record<string, string> = {};
  for (const [name, pattern] of Object.entries(patterns)) {
    const q = await createQueue(sqs, `parity-${name}`);
    await eb.send(
      new PutRuleCommand({ Name: name, EventBusName: "parity", EventPattern: JSON.stringify(pattern) }),
    );
    await eb.send(
      new PutTargetsCommand({ Rule: name, EventBusName: "parity", Targets: [{ Id: "q", Arn: q.arn }] }),
    );
    queues[name] = q.url;
  }
  const entries = events.map((e, i) => ({
    Source: e.source,
    DetailType: e.type,
    Detail: JSON.stringify({ ...e.detail, i }),
  }));
  expect((await new EventPublisher(eventBridgeTarget(eb, "parity")).publish(entries)).FailedEntryCount).toBe(
    0,
  );

  const moto_: Record<string, number[]> = {};
  const ours: Record<string, number[]> = {};
  for (const [name, pattern] of Object.entries(patterns)) {
    const received = await receiveAll(sqs, queues[name] ?? "");
    moto_[name] = received
      .map((m) => (JSON.parse(m.Body ?? "{}") as { detail: { i: number } }).detail.i)
      .sort();
    ours[name] = events.flatMap((e, i) => {
      const envelope = {
        version: "0",
        id: "x",
        "detail-type": e.type,
        source: e.source,
        account: "123456789012",
        time: "2026-01-01T00:00:00Z",
        region: "eu-west-1",
        resources: [],
        detail: { ...e.detail, i },
      };
      return matchesPattern(pattern, envelope) ? [i] : [];
    });
  }
  expect(ours).toEqual(moto_);
  // The table must exercise both outcomes for every pattern, or agreement would prove little.
  for (const name of Object.keys(patterns)) {
    expect(ours[name]?.length, name).toBeGreaterThan(0);
    expect(ours[name]?.length, name).toBeLessThan(events.length);
  }
});
