import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { ClusterRateLimits, clusterConnection, parseClusterRegistry } from "../../src/aws/index.ts";

const sm = mockClient(SecretsManagerClient);
const clients = {
  sts: new STSClient({ region: "eu-west-1", credentials: { accessKeyId: "AKID", secretAccessKey: "s" } }),
  secretsManager: new SecretsManagerClient({ region: "eu-west-1" }),
};
const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true } }]
contexts: [{ name: ctx, context: { cluster: c, user: u } }]
current-context: ctx
users: [{ name: u, user: { token: t } }]
`;

function entries(rateLimit: { qps: number; burst: number }) {
  const cluster = (id: string) => ({ id, auth: { type: "kubeconfig", secretArn: `arn:${id}` }, rateLimit });
  return parseClusterRegistry(JSON.stringify({ clusters: [cluster("a"), cluster("b")] }), "test").clusters;
}

describe("ClusterRateLimits: one request-rate bucket per cluster", () => {
  it("gives every connection to a cluster the same bucket, and another cluster its own", async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: kubeconfig });
    let now = 0;
    const limits = new ClusterRateLimits(() => now);
    const [a, b] = entries({ qps: 2, burst: 1 });
    if (!a || !b) throw new Error("two entries");
    const first = await clusterConnection(a, clients, limits);
    const second = await clusterConnection(a, clients, limits);
    const other = await clusterConnection(b, clients, limits);
    // The burst of 1 is taken by the first client: the second client of the same cluster waits for the next token.
    expect(first.requestBucket?.reserve()).toBe(0);
    expect(second.requestBucket?.reserve()).toBeCloseTo(500);
    expect(other.requestBucket?.reserve()).toBe(0);
    now = 1000;
    expect(second.requestBucket?.reserve()).toBe(0);
  });

  it("replaces a cluster's bucket when its registry rateLimit changes, and defaults to the operator's 20 qps / 30 burst", () => {
    const limits = new ClusterRateLimits(() => 0);
    const [slow] = entries({ qps: 1, burst: 1 });
    const [fast] = entries({ qps: 100, burst: 3 });
    const [byDefault] = parseClusterRegistry(
      JSON.stringify({ clusters: [{ id: "a", auth: { type: "kubeconfig", secretArn: "x" } }] }),
      "test",
    ).clusters;
    if (!slow || !fast || !byDefault) throw new Error("entries");
    const bucket = limits.bucketFor(slow);
    expect(limits.bucketFor(slow)).toBe(bucket);
    const replaced = limits.bucketFor(fast);
    expect(replaced).not.toBe(bucket);
    expect([replaced.reserve(), replaced.reserve(), replaced.reserve(), replaced.reserve()]).toEqual([
      0, 0, 0, 10,
    ]);
    expect(byDefault.rateLimit).toEqual({ qps: 20, burst: 30 });
  });
});
