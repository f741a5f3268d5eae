import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  ClusterRegistryReader,
  parseClusterRegistry,
  parseRegistrySource,
  shardClusters,
} from "../../src/aws/index.ts";

const eks = {
  id: "prod-eu",
  apiEndpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
  caData: "LS0tLS1CRUdJTg==",
  auth: {
    type: "eks",
    region: "eu-west-1",
    clusterName: "prod",
    roleArn: "arn:aws:iam::123456789012:role/r",
    externalId: "xid-1",
  },
  emqx: { endpointMode: "pod-ip" },
};
const kubeconfig = {
  id: "lab",
  auth: { type: "kubeconfig", secretArn: "arn:aws:secretsmanager:eu-west-1:1:secret:lab" },
};

describe("Function: parseClusterRegistry", () => {
  it("accepts eks and kubeconfig clusters and applies defaults", () => {
    const registry = parseClusterRegistry(JSON.stringify({ clusters: [eks, kubeconfig] }), "test");
    expect(registry.clusters[1]).toMatchObject({
      emqx: { endpointMode: "pod-ip" },
      rateLimit: { qps: 20, burst: 30 },
    });
  });

  it.each([
    [{ ...eks, auth: { ...eks.auth, region: "Europe" } }, "clusters[0].auth.region: must be an AWS region"],
    [{ ...eks, caData: undefined }, "clusters[0].caData: required for eks auth"],
    [{ ...eks, apiEndpoint: "http://plain" }, "clusters[0].apiEndpoint: required for eks auth, https://"],
    [
      { ...eks, auth: { ...eks.auth, roleArn: undefined } },
      "clusters[0].auth.externalId: externalId needs roleArn",
    ],
    [{ ...kubeconfig, id: "a/b" }, "clusters[0].id: must be 1–63"],
    [
      { ...kubeconfig, emqx: { endpointMode: "url" } },
      "clusters[0].emqx.url: required when endpointMode is url",
    ],
    [{ ...kubeconfig, auth: { type: "gke" } }, "clusters[0].auth.type"],
  ])("names the field and the rule of a bad entry (%#)", (entry, message) => {
    expect(() => parseClusterRegistry(JSON.stringify({ clusters: [entry] }), "ssm:/x")).toThrow(message);
  });

  it("refuses duplicate ids and non-JSON text, naming where the registry came from", () => {
    expect(() => parseClusterRegistry(JSON.stringify({ clusters: [kubeconfig, kubeconfig] }), "w")).toThrow(
      "clusters[1].id: duplicate id lab",
    );
    expect(() => parseClusterRegistry("{", "ssm:/emqx/clusters")).toThrow(
      "Cluster registry ssm:/emqx/clusters is not JSON.",
    );
  });
});

describe("Function: parseRegistrySource", () => {
  it("reads ssm: and secretsmanager: sources and rejects anything else", () => {
    expect(parseRegistrySource("ssm:/emqx/clusters")).toEqual({ kind: "ssm", name: "/emqx/clusters" });
    expect(parseRegistrySource("secretsmanager:arn:aws:x")).toEqual({
      kind: "secretsmanager",
      secretId: "arn:aws:x",
    });
    expect(() => parseRegistrySource("s3://bucket/key")).toThrow("must be ssm:<parameter name>");
  });
});

describe("Class: ClusterRegistryReader", () => {
  const ssm = mockClient(SSMClient);
  const sm = mockClient(SecretsManagerClient);
  beforeEach(() => {
    ssm.reset();
    sm.reset();
  });

  it("reads a SecureString parameter with decryption and reuses it for the TTL", async () => {
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: JSON.stringify({ clusters: [kubeconfig] }) } });
    let now = 0;
    const reader = new ClusterRegistryReader({
      source: { kind: "ssm", name: "/c" },
      ssm: new SSMClient({ region: "eu-west-1" }),
      ttlMs: 1000,
      nowMs: () => now,
    });
    expect((await reader.get("lab"))?.auth.type).toBe("kubeconfig");
    expect(await reader.get("unknown")).toBeUndefined();
    now = 1500;
    await reader.list();
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: "/c", WithDecryption: true },
      { Name: "/c", WithDecryption: true },
    ]);
  });

  it("reads a secret, and after a failed read tries again on the next call", async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(
        Object.assign(new Error("gone"), {
          name: "ResourceNotFoundException",
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves({ SecretString: JSON.stringify({ clusters: [eks] }) });
    const reader = new ClusterRegistryReader({
      source: { kind: "secretsmanager", secretId: "reg" },
      secretsManager: new SecretsManagerClient({ region: "eu-west-1" }),
    });
    await expect(reader.list()).rejects.toMatchObject({
      kind: "terminal",
      code: "ResourceNotFoundException",
    });
    expect((await reader.list()).map((c) => c.id)).toEqual(["prod-eu"]);
  });
});

describe("Function: shardClusters", () => {
  it("puts every cluster in exactly one shard, and a new cluster moves no other", () => {
    const clusters = Array.from({ length: 40 }, (_, i) => ({ id: `c${i}` }));
    const shards = [0, 1, 2].map((i) => shardClusters(clusters, i, 3).map((c) => c.id));
    expect(shards.flat().sort()).toEqual(clusters.map((c) => c.id).sort());
    expect(shards.every((s) => s.length > 0)).toBe(true);
    const grown = [0, 1, 2].map((i) => shardClusters([...clusters, { id: "new" }], i, 3).map((c) => c.id));
    expect(grown.map((s) => s.filter((id) => id !== "new"))).toEqual(shards);
    expect(() => shardClusters(clusters, 3, 3)).toThrow("Shard 3 of 3 is not a valid shard.");
  });
});
