/** Our own kubeconfig loading: files, `$KUBECONFIG`, in-cluster, exec plugins — no Kubernetes client library. */

export { type ClusterEndpoint, kubeTargetFromEndpoint } from "./endpoint.ts";
export { EXEC_API_VERSIONS, EXEC_EXPIRY_MARGIN_MS, EXEC_TIMEOUT_MS } from "./exec.ts";
export { type InClusterOptions, inClusterTarget, SERVICE_ACCOUNT_DIR } from "./inCluster.ts";
export { KubeconfigError } from "./KubeconfigError.ts";
export * from "./KubeTarget.ts";
export {
  type DefaultKubeconfigOptions,
  loadDefaultKubeconfig,
  loadKubeconfigFile,
  loadKubeconfigText,
  readKubeconfigFile,
} from "./load.ts";
export {
  type KubeconfigDoc,
  type KubeconfigEntry,
  type KubeconfigSource,
  mergeKubeconfigs,
  parseKubeconfig,
} from "./parse.ts";
export { describeDoc, type ResolveOptions, resolveTarget } from "./resolve.ts";
export { TOKEN_FILE_REREAD_MS, tokenFileAuth } from "./tokenFile.ts";
export type { ReadUserOptions } from "./user.ts";
