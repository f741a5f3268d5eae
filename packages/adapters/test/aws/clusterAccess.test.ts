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
/** A CA in the shape EKS hands it out (base64 PEM); never dialled here. */
const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const CA_DATA = Buffer.from(CA_PEM).toString("base64");
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
        caData: CA_DATA,
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
    const target = await kubeConfigFromSecret(clients.secretsManager, "arn:lab", "other");
    expect(target).toMatchObject({
      name: "other",
      server: "https://127.0.0.1:6443",
      tls: { insecure: true },
    });
    expect(await target.auth()).toEqual({ authorization: "Bearer abc" });
  });

  it("refuses exec plugins (they cannot run in a Lambda), an unknown context and non-kubeconfig text, naming the secret and field", async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: kubeconfigYaml(
        "{ exec: { command: aws, apiVersion: client.authentication.k8s.io/v1beta1 } }",
      ),
    });
    await expect(kubeConfigFromSecret(clients.secretsManager, "arn:lab")).rejects.toThrow(
      'Kubeconfig secret arn:lab: users["u"].exec: exec plugins cannot run here',
    );
    sm.on(GetSecretValueCommand).resolves({ SecretString: kubeconfigYaml("{ token: abc }") });
    await expect(kubeConfigFromSecret(clients.secretsManager, "arn:lab", "nope")).rejects.toThrow(
      'Kubeconfig secret arn:lab: context "nope" not found (known: ctx, other)',
    );
    sm.on(GetSecretValueCommand).resolves({ SecretString: "clusters: [unclosed" });
    await expect(kubeConfigFromSecret(clients.secretsManager, "arn:lab")).rejects.toThrow(
      "Kubeconfig secret arn:lab: not valid YAML (line 1",
    );
    sm.on(GetSecretValueCommand).resolves({ SecretString: "kind: Config" });
    await expect(kubeConfigFromSecret(clients.secretsManager, "arn:lab")).rejects.toThrow(
      "Kubeconfig secret arn:lab: no current-context",
    );
  });
});

describe("Function: clusterConnection", () => {
  it("gives an EKS cluster its endpoint, CA and a token source signing for the cluster name", async () => {
    const conn = await clusterConnection(registry.clusters[1] as never, clients);
    expect(conn.kubeConfig).toMatchObject({ server: "https://eks.example", tls: { ca: CA_PEM } });
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
