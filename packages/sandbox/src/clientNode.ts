/**
 * client-node for the sandbox's own needs (bootstrap, its tests), loaded on first use: a process that only finds
 * a sandbox and reads its kubeconfig path (`emqx-reconciler run --sandbox`) never loads it.
 */
import type { KubeConfig } from "@kubernetes/client-node";

/** A client-node `KubeConfig` for the sandbox's admin user, read from its kubeconfig file. */
export async function sandboxKubeConfig(kubeconfigPath: string): Promise<KubeConfig> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  return config;
}
