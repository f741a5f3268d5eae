/**
 * A target from a bare endpoint: no kubeconfig text, so nothing to parse (the AWS functions reach EKS clusters this
 * way without loading a YAML parser).
 */
import { checkServer } from "./cluster.ts";
import { KubeconfigError } from "./KubeconfigError.ts";
import { anonymousAuth, type KubeTarget, staticAuth } from "./KubeTarget.ts";

/** Where a cluster's API server is and how to trust it (EKS `DescribeCluster` fields drop straight in). */
export interface ClusterEndpoint {
  /** `https://...` address of the API server. */
  server: string;
  /** Base64 PEM of the cluster CA (EKS `certificateAuthority.data`). */
  caData?: string;
  /** A static bearer token; leave out and pass `getToken` to the gateway for tokens that expire (EKS). */
  token?: string;
  /** Only for local fake servers. @default false */
  skipTLSVerify?: boolean;
}

/** A target without a kubeconfig, for clusters known by endpoint and CA (EKS from Lambda). */
export function kubeTargetFromEndpoint(endpoint: ClusterEndpoint): KubeTarget {
  checkServer(endpoint.server, (rule) => new KubeconfigError(`cluster endpoint server: ${rule}`));
  const tls: KubeTarget["tls"] = {};
  if (endpoint.caData) {
    const ca = Buffer.from(endpoint.caData, "base64").toString("utf8");
    if (!ca.includes("-----BEGIN"))
      throw new KubeconfigError("cluster endpoint caData: must be base64-encoded PEM");
    tls.ca = ca;
  }
  if (endpoint.skipTLSVerify === true) tls.insecure = true;
  const auth = endpoint.token ? staticAuth({ authorization: `Bearer ${endpoint.token}` }) : anonymousAuth;
  return { name: "endpoint", server: endpoint.server, tls, auth };
}
