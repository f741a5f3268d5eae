import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { lambdaContext } from "./context.ts";

const ssm = mockClient(SSMClient);
const secrets = mockClient(SecretsManagerClient);
const registry = {
  clusters: [{ id: "prod", namespaces: ["mq"], auth: { type: "kubeconfig", secretArn: "arn:kc" } }],
};

function scaleEvent(detail: unknown) {
  return {
    version: "0",
    id: "e-1",
    "detail-type": "ScaleRequest",
    source: "emqx-reconciler.scale",
    account: "123456789012",
    time: "2026-11-25T10:00:00Z",
    region: "eu-west-1",
    resources: [],
    detail,
  };
}

let handler: (event: unknown, context: unknown) => Promise<{ outcome: string }>;
/** Invokes the handler with an EventBridge event carrying `detail`. */
function scale(detail: unknown): Promise<{ outcome: string }> {
  return handler(scaleEvent(detail), lambdaContext("scale"));
}
beforeAll(async () => {
  vi.stubEnv("AWS_REGION", "eu-west-1");
  vi.stubEnv("REGISTRY_SOURCE", "ssm:/emqx/clusters");
  vi.stubEnv("POWERTOOLS_METRICS_NAMESPACE", "Test");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
  vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
  handler = (await import("../src/scale.ts")).handler as never;
});
beforeEach(() => {
  ssm.reset();
  secrets.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(registry) } });
});

describe("Handler: scale", () => {
  it.each([
    ["cores to 0", { cluster: "prod", namespace: "mq", name: "emqx", role: "core", replicas: 0 }],
    [
      "an unregistered cluster",
      { cluster: "spoofed", namespace: "mq", name: "emqx", role: "core", replicas: 3 },
    ],
    [
      "a namespace the cluster's entry does not serve",
      { cluster: "prod", namespace: "kube-system", name: "emqx", role: "replicant", replicas: 3 },
    ],
    ["a detail that is not a scale request", { cluster: "prod" }],
  ])(
    "refuses %s without contacting the cluster and without throwing (never retried)",
    async (_name, detail) => {
      expect(await scale(detail)).toEqual({ outcome: "dropped" });
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    },
  );
});
