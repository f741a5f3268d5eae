import { KubeConfig } from "@kubernetes/client-node";

/** Loads a kubeconfig file, optionally switching to `context` (an unknown context is an error naming it). */
export function kubeConfigFromFile(path: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  if (context !== undefined) useContext(kc, context);
  return kc;
}

/**
 * Loads the kubeconfig the way kubectl does: `$KUBECONFIG`, then `~/.kube/config`, then the in-cluster service
 * account.
 */
export function kubeConfigFromDefault(context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  if (context !== undefined) useContext(kc, context);
  if (!kc.getCurrentCluster())
    throw new Error("No kubeconfig found ($KUBECONFIG, ~/.kube/config, in-cluster)");
  return kc;
}

/** Where a cluster's API server is and how to trust it (EKS `DescribeCluster` fields drop straight in). */
export interface ClusterEndpoint {
  /** `https://...` address of the API server. */
  server: string;
  /** Base64 PEM of the cluster CA (EKS `certificateAuthority.data`). */
  caData?: string;
  /** A static bearer token; leave out and pass `getToken` to the gateway for tokens that expire (EKS). */
  token?: string;
  /** Only for local fake servers on plain HTTP. @default false */
  skipTLSVerify?: boolean;
}

/** Builds a kubeconfig without a file, for clusters known by endpoint and CA (EKS from Lambda). */
export function kubeConfigFromEndpoint(endpoint: ClusterEndpoint): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    {
      name: "cluster",
      server: endpoint.server,
      caData: endpoint.caData,
      skipTLSVerify: endpoint.skipTLSVerify ?? false,
    },
    { name: "user", token: endpoint.token },
  );
  return kc;
}

function useContext(kc: KubeConfig, context: string): void {
  if (!kc.getContextObject(context)) {
    const known = kc.getContexts().map((c) => c.name);
    throw new Error(`kubeconfig context "${context}" not found (known: ${known.join(", ") || "none"})`);
  }
  kc.setCurrentContext(context);
}
