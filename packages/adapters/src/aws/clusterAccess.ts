import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { STSClient } from "@aws-sdk/client-sts";
import { KubeConfig } from "@kubernetes/client-node";
import { KubeGateway, type KubeGatewayOptions } from "../kube/KubeGateway.ts";
import { kubeConfigFromEndpoint } from "../kube/kubeConfig.ts";
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
 * the registry's client-side rate limit and namespace scope.
 */
export async function clusterConnection(
  entry: ClusterEntry,
  clients: ClusterAccessClients,
): Promise<KubeGatewayOptions> {
  const { auth } = entry;
  const scope = { rateLimit: entry.rateLimit, ...(entry.namespaces ? { namespaces: entry.namespaces } : {}) };
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
    kubeConfig: kubeConfigFromEndpoint({ server: entry.apiEndpoint ?? "", caData: entry.caData }),
    getToken: tokens.tokenSource(),
  };
}

/**
 * Loads a kubeconfig kept in Secrets Manager. It must carry static credentials: exec plugins and auth providers
 * cannot run in a Lambda, so they are refused with a message naming the secret and the user.
 */
export async function kubeConfigFromSecret(
  sm: SecretsManagerClient,
  secretArn: string,
  context?: string,
): Promise<KubeConfig> {
  const out = await sm
    .send(new GetSecretValueCommand({ SecretId: secretArn }))
    .catch((error: unknown) => Promise.reject(toAwsError(`Reading kubeconfig secret ${secretArn}`, error)));
  const kc = new KubeConfig();
  try {
    kc.loadFromString(out.SecretString ?? "");
  } catch (error) {
    throw new AwsError(AwsErrorKind.InvalidRegistry, `Kubeconfig secret ${secretArn} is not a kubeconfig.`, {
      cause: error,
    });
  }
  if (context !== undefined) {
    if (!kc.getContextObject(context))
      throw new AwsError(
        AwsErrorKind.InvalidRegistry,
        `Kubeconfig secret ${secretArn} has no context "${context}".`,
      );
    kc.setCurrentContext(context);
  }
  const user = kc.getCurrentUser();
  if (!kc.getCurrentCluster() || !user)
    throw new AwsError(
      AwsErrorKind.InvalidRegistry,
      `Kubeconfig secret ${secretArn} has no current cluster and user.`,
    );
  if (user.exec || user.authProvider)
    throw new AwsError(
      AwsErrorKind.InvalidRegistry,
      `Kubeconfig secret ${secretArn}: user "${user.name}" needs an exec plugin or auth provider; use a token or client certificate.`,
    );
  return kc;
}

/**
 * One `KubeGateway` per registered cluster, kept across invocations of a warm function (keep-alive connections,
 * cached tokens) and rebuilt when the cluster's registry entry changes.
 */
export class ClusterGateways {
  private readonly clients: ClusterAccessClients;
  private readonly gateways = new Map<string, { fingerprint: string; gateway: Promise<KubeGateway> }>();

  constructor(clients: ClusterAccessClients) {
    this.clients = clients;
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
    const gateway = clusterConnection(entry, this.clients).then((conn) => new KubeGateway(conn));
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
