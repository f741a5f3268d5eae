import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  ClusterGateways,
  clusterConnection,
  decodeEksToken,
  kubeConfigFromSecret,
  parseClusterRegistry,
} from "../../src/aws/index.ts";

const sm = mockClient(SecretsManagerClient);
const clients = {
  sts: new STSClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
  }),
  secretsManager: new SecretsManagerClient({ region: "eu-west-1" }),
};

function kubeconfigYaml(user: string): string {
  return `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true } }]
contexts: [{ name: ctx, context: { cluster: c, user: u } }, { name: other, context: { cluster: c, user: u } }]
current-context: ctx
users: [{ name: u, user: ${user} }]
`;
}

const registry = parseClusterRegistry(
  JSON.stringify({
    clusters: [
      { id: "lab", auth: { type: "kubeconfig", secretArn: "arn:lab", context: "other" } },
      {
        id: "prod",
        apiEndpoint: "https://eks.example",
        caData: "Q0E=",
        auth: { type: "eks", region: "eu-west-1", clusterName: "prod" },
      },
    ],
  }),
  "test",
);

describe("Function: kubeConfigFromSecret", () => {
  beforeEach(() => sm.reset());

  it("loads a kubeconfig with a static token and selects the asked context", async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: kubeconfigYaml("{ token: abc }") });
    const kc = await kubeConfigFromSecret(clients.secretsManager, "arn:lab", "other");
    expect(kc.getCurrentContext()).toBe("other");
    expect(kc.getCurrentCluster()?.server).toBe("https://127.0.0.1:6443");
  });

  it("refuses exec plugins (they cannot run in a Lambda), an unknown context and non-kubeconfig text", async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: kubeconfigYaml(
        "{ exec: { command: aws, apiVersion: client.authentication.k8s.io/v1beta1 } }",
      ),
    });
    await expect(kubeConfigFromSecret(clients.secretsManager, "arn:lab")).rejects.toThrow(
      'user "u" needs an exec plugin',
    );
    sm.on(GetSecretValueCommand).resolves({ SecretString: kubeconfigYaml("{ token: abc }") });
    await expect(kubeConfigFromSecret(clients.secretsManager, "arn:lab", "nope")).rejects.toThrow(
      'has no context "nope"',
    );
    sm.on(GetSecretValueCommand).resolves({ SecretString: "clusters: [unclosed" });
    await expect(kubeConfigFromSecret(clients.secretsManager, "arn:lab")).rejects.toThrow(
      "is not a kubeconfig",
    );
    sm.on(GetSecretValueCommand).resolves({ SecretString: "kind: Config" });
    await expect(kubeConfigFromSecret(clients.secretsManager, "arn:lab")).rejects.toThrow(
      "has no current cluster",
    );
  });
});

describe("Function: clusterConnection", () => {
  it("gives an EKS cluster its endpoint, CA and a token source signing for the cluster name", async () => {
    const conn = await clusterConnection(registry.clusters[1] as never, clients);
    expect(conn.kubeConfig.getCurrentCluster()).toMatchObject({
      server: "https://eks.example",
      caData: "Q0E=",
    });
    const token = await conn.getToken?.();
    expect(decodeEksToken(token ?? "").searchParams.get("X-Amz-Credential")).toMatch(/^AKID\//);
  });
});

describe("Class: ClusterGateways", () => {
  it("keeps one gateway per cluster and rebuilds it when the registry entry changes", async () => {
    sm.reset();
    sm.on(GetSecretValueCommand).resolves({ SecretString: kubeconfigYaml("{ token: abc }") });
    const gateways = new ClusterGateways(clients);
    const lab = registry.clusters[0];
    if (!lab) throw new Error("fixture");
    const first = await gateways.get(lab);
    expect(await gateways.get(lab)).toBe(first);
    expect(await gateways.get({ ...lab, rateLimit: { qps: 1, burst: 1 } })).not.toBe(first);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    await gateways.close();
  });
});
