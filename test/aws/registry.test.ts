/** Cluster registry and cluster credentials on the wire (moto): SSM, Secrets Manager, STS. */
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import {
  ClusterEntrySchema,
  ClusterRegistryReader,
  clusterConnection,
  decodeEksToken,
} from "@emqx-reconciler/adapters/aws";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MotoServer, startMoto } from "./support/moto.ts";

let moto: MotoServer;
let ssm: SSMClient;
let sm: SecretsManagerClient;
let sts: STSClient;
beforeAll(async () => {
  moto = await startMoto();
  ssm = new SSMClient(moto.clientConfig);
  sm = new SecretsManagerClient(moto.clientConfig);
  sts = new STSClient(moto.clientConfig);
});
afterAll(() => moto?.stop());
beforeEach(() => moto.reset());

/** A CA in the shape kubeconfigs carry it (base64 PEM); never dialled here. */
const CA_DATA = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString(
  "base64",
);

const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: lab, cluster: { server: "https://127.0.0.1:6443", certificate-authority-data: ${CA_DATA} } }]
contexts: [{ name: lab, context: { cluster: lab, user: reconciler } }]
current-context: lab
users: [{ name: reconciler, user: { token: sa-token } }]
`;

const eksEntry = {
  id: "prod",
  apiEndpoint: "https://abc.gr7.eu-west-1.eks.amazonaws.com",
  caData: CA_DATA,
  auth: {
    type: "eks",
    region: "eu-west-1",
    clusterName: "prod",
    roleArn: "arn:aws:iam::210987654321:role/emqx-reconciler",
    externalId: "ext-42",
  },
};

describe("ClusterRegistryReader against moto", () => {
  it("reads and validates a SecureString parameter", async () => {
    await ssm.send(
      new PutParameterCommand({
        Name: "/emqx/clusters",
        Type: "SecureString",
        Value: JSON.stringify({ clusters: [eksEntry] }),
      }),
    );
    const reader = new ClusterRegistryReader({ source: { kind: "ssm", name: "/emqx/clusters" }, ssm });
    expect(await reader.get("prod")).toMatchObject({
      auth: { clusterName: "prod" },
      rateLimit: { qps: 20, burst: 30 },
    });
  });

  it("reads a registry secret, and names the field of an invalid one", async () => {
    await sm.send(
      new CreateSecretCommand({ Name: "good", SecretString: JSON.stringify({ clusters: [eksEntry] }) }),
    );
    await sm.send(
      new CreateSecretCommand({
        Name: "bad",
        SecretString: JSON.stringify({ clusters: [{ ...eksEntry, caData: undefined }] }),
      }),
    );
    const read = (secretId: string) =>
      new ClusterRegistryReader({ source: { kind: "secretsmanager", secretId }, secretsManager: sm }).list();
    expect((await read("good")).map((c) => c.id)).toEqual(["prod"]);
    await expect(read("bad")).rejects.toThrow(
      "Cluster registry secretsmanager:bad is invalid: clusters[0].caData: required for eks auth",
    );
    await expect(read("missing")).rejects.toMatchObject({
      kind: "terminal",
      code: "ResourceNotFoundException",
    });
  });
});

describe("clusterConnection against moto", () => {
  it("loads a kubeconfig cluster from its Secrets Manager secret", async () => {
    const created = await sm.send(
      new CreateSecretCommand({ Name: "lab-kubeconfig", SecretString: kubeconfig }),
    );
    const conn = await clusterConnection(
      {
        id: "lab",
        auth: { type: "kubeconfig", secretArn: created.ARN ?? "" },
        emqx: { endpointMode: "pod-ip" },
        rateLimit: { qps: 5, burst: 10 },
        podPolicy: { mode: "open", serviceAccounts: [] },
        secretRefs: "annotated",
      },
      { sts, secretsManager: sm },
    );
    expect(conn.getToken).toBeUndefined();
    expect(await conn.kubeConfig.auth()).toEqual({ authorization: "Bearer sa-token" });
  });

  it("R46 signs an EKS token with credentials of the cluster's role, assumed through STS with the external id", async () => {
    const conn = await clusterConnection(ClusterEntrySchema.parse(eksEntry), { sts, secretsManager: sm });
    const url = decodeEksToken((await conn.getToken?.()) ?? "");
    const credential = url.searchParams.get("X-Amz-Credential") ?? "";
    expect(credential).toMatch(/^ASIA[A-Z0-9]+\/\d{8}\/eu-west-1\/sts\/aws4_request$/);
    expect(url.searchParams.get("X-Amz-Security-Token")).toBeTruthy();
  });
});
