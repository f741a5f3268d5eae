import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { lambdaContext } from "./context.ts";

const ssm = mockClient(SSMClient);
const sqs = mockClient(SQSClient);
const registry = {
  clusters: [
    { id: "prod", auth: { type: "kubeconfig", secretArn: "arn:kc" } },
    { id: "tenant-b", namespaces: ["b"], auth: { type: "kubeconfig", secretArn: "arn:kc-b" } },
  ],
};

function hintEvent(detail: unknown) {
  return {
    version: "0",
    id: "e-1",
    "detail-type": "ReconcileHint",
    source: "emqx-reconciler.forwarder",
    account: "123456789012",
    time: "2026-11-25T10:00:00Z",
    region: "eu-west-1",
    resources: [],
    detail,
  };
}

/** A hint for CR mq/emqx (uid u1, resourceVersion 9) of the registered cluster "prod". */
function prodHint(cause: string) {
  return { cluster: "prod", namespace: "mq", name: "emqx", uid: "u1", resourceVersion: "9", cause };
}

let handler: (event: unknown, context: unknown) => Promise<{ outcome: string }>;
/** Invokes the handler with an EventBridge event carrying `detail`. */
function admit(detail: unknown): Promise<{ outcome: string }> {
  return handler(hintEvent(detail), lambdaContext("admit"));
}
beforeAll(async () => {
  vi.stubEnv("AWS_REGION", "eu-west-1");
  vi.stubEnv("REGISTRY_SOURCE", "ssm:/emqx/clusters");
  vi.stubEnv("RECONCILE_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/1/reconcile.fifo");
  vi.stubEnv("POWERTOOLS_METRICS_NAMESPACE", "Test");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
  vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
  handler = (await import("../src/admit.ts")).handler as never;
});
beforeEach(() => {
  ssm.reset();
  sqs.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(registry) } });
  sqs.on(SendMessageCommand).resolves({ MessageId: "m" });
});

describe("Handler: admit", () => {
  it("puts a registered cluster's hint on the FIFO queue, grouped by CR key, deduplicated by uid:rv:cause", async () => {
    const detail = prodHint("modified");
    expect(await admit(detail)).toEqual({ outcome: "admitted" });
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toMatchObject({
      MessageGroupId: "prod/mq/emqx",
      MessageDeduplicationId: "u1:9:modified",
      MessageBody: JSON.stringify(detail),
    });
  });

  it("R44 drops a hint for an unregistered cluster before any queue or cluster call", async () => {
    const detail = { cluster: "spoofed", namespace: "mq", name: "emqx", cause: "modified" };
    expect(await admit(detail)).toEqual({ outcome: "dropped" });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it("R46 drops a hint naming a cluster with a namespace its registry entry does not serve", async () => {
    const foreign = { cluster: "tenant-b", namespace: "mq", name: "emqx", cause: "modified" };
    expect(await admit(foreign)).toEqual({ outcome: "dropped" });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(await admit({ ...foreign, namespace: "b" })).toEqual({ outcome: "admitted" });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it("rejects an event whose detail is not a hint without throwing (no pointless async retries)", async () => {
    expect(await admit({ cluster: "prod" })).toEqual({
      outcome: "rejected",
    });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it("R15 deduplicates resync hints per minute bucket, so the next sweep is not swallowed", async () => {
    const detail = prodHint("resync");
    await admit(detail);
    const id = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageDeduplicationId ?? "";
    expect(id).toMatch(/^u1:9:resync:\d+$/);
  });
});
