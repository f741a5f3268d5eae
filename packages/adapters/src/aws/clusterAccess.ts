import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { STSClient } from "@aws-sdk/client-sts";
import { KubeGateway, type KubeGatewayOptions } from "../kube/KubeGateway.ts";
import { kubeTargetFromEndpoint } from "../kube/kubeconfig/endpoint.ts";
import { KubeconfigError } from "../kube/kubeconfig/KubeconfigError.ts";
import type { KubeTarget } from "../kube/kubeconfig/KubeTarget.ts";
import { type ClusterRateLimits, processRateLimits } from "./clusterRateLimits.ts";
import { assumeRoleCredentials, type CredentialSource, EksTokenProvider } from "./EksTokenProvider.ts";
import { AwsError, AwsErrorKind, toAwsError } from "./errors.ts";
import type { ClusterEntry } from "./registrySchema.ts";

/** The AWS clients cluster access needs. */
export interface ClusterAccessClients {
  /** Signs EKS tokens with its credentials and assumes per-cluster roles. */
  sts: STSClient;
  /** Reads kubeconfig secrets. */
  secretsManager: SecretsManagerClient;
}

/**
 * How to reach one registered cluster's API server: the gateway's kubeconfig and, for EKS, its token source, with
 * the registry's namespace scope and client-side rate limit: one bucket per cluster, shared by every connection to
 * it in this process (`limits`).
 */
export async function clusterConnection(
  entry: ClusterEntry,
  clients: ClusterAccessClients,
  limits: ClusterRateLimits = processRateLimits,
): Promise<KubeGatewayOptions> {
  const { auth } = entry;
  const scope = {
    requestBucket: limits.bucketFor(entry),
    ...(entry.namespaces ? { namespaces: entry.namespaces } : {}),
  };
  if (auth.type === "kubeconfig")
    return {
      ...scope,
      kubeConfig: await kubeConfigFromSecret(clients.secretsManager, auth.secretArn, auth.context),
    };
  const credentials: CredentialSource = auth.roleArn
    ? assumeRoleCredentials(clients.sts, {
        roleArn: auth.roleArn,
        externalId: auth.externalId,
        sessionName: `emqx-reconciler-${entry.id}`,
      })
    : () => clients.sts.config.credentials();
  const tokens = new EksTokenProvider({ region: auth.region, clusterName: auth.clusterName, credentials });
  return {
    ...scope,
    kubeConfig: kubeTargetFromEndpoint({ server: entry.apiEndpoint ?? "", caData: entry.caData }),
    getToken: tokens.tokenSource(),
  };
}

/**
 * Loads a kubeconfig kept in Secrets Manager. It must carry static credentials: exec plugins cannot run in a
 * Lambda (and auth providers are not supported anywhere), so they are refused with a message naming the secret,
 * the user and the field.
 */
export async function kubeConfigFromSecret(
  sm: SecretsManagerClient,
  secretArn: string,
  context?: string,
): Promise<KubeTarget> {
  const { GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const out = await sm
    .send(new GetSecretValueCommand({ SecretId: secretArn }))
    .catch((error: unknown) => Promise.reject(toAwsError(`Reading kubeconfig secret ${secretArn}`, error)));
  // Loaded here, with its YAML parser, only for clusters registered by kubeconfig (EKS ones never need it).
  const { loadKubeconfigText } = await import("../kube/kubeconfig/load.ts");
  try {
    return loadKubeconfigText(
      out.SecretString ?? "",
      { label: `Kubeconfig secret ${secretArn}` },
      { context, allowExec: false },
    );
  } catch (error) {
    if (!(error instanceof KubeconfigError)) throw error;
    throw new AwsError(AwsErrorKind.InvalidRegistry, error.message, { cause: error });
  }
}

/**
 * One `KubeGateway` per registered cluster, kept across invocations of a warm function (keep-alive connections,
 * cached tokens) and rebuilt when the cluster's registry entry changes.
 */
export class ClusterGateways {
  private readonly clients: ClusterAccessClients;
  private readonly http2: boolean;
  private readonly gateways = new Map<string, { fingerprint: string; gateway: Promise<KubeGateway> }>();

  /** `http2`: one multiplexed connection per cluster (see `KubeHttpOptions.http2`), for the forwarder's watches. */
  constructor(clients: ClusterAccessClients, options: { http2?: boolean } = {}) {
    this.clients = clients;
    this.http2 = options.http2 === true;
  }

  /** The gateway of `entry`'s cluster. */
  get(entry: ClusterEntry): Promise<KubeGateway> {
    const fingerprint = JSON.stringify(entry);
    const known = this.gateways.get(entry.id);
    if (known?.fingerprint === fingerprint) return known.gateway;
    if (known)
      void known.gateway.then(
        (g) => g.close(),
        () => undefined,
      );
    const gateway = clusterConnection(entry, this.clients).then(
      (conn) => new KubeGateway({ ...conn, http2: this.http2 }),
    );
    const slot = { fingerprint, gateway };
    this.gateways.set(entry.id, slot);
    gateway.catch(() => {
      if (this.gateways.get(entry.id) === slot) this.gateways.delete(entry.id);
    });
    return gateway;
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    const all = [...this.gateways.values()];
    this.gateways.clear();
    await Promise.all(
      all.map((s) =>
        s.gateway.then(
          (g) => g.close(),
          () => undefined,
        ),
      ),
    );
  }
}
