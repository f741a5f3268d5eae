/**
 * The emulator's reads from the apiserver on one keep-alive connection pool. client-node builds a new undici
 * Agent for every request it authenticates, so each read opened (and handshook, with client certificates on both
 * sides) a TLS connection of its own: two per starting pod, five hundred when fifty clusters start at once — CPU
 * the sandbox spent on its stand-in for EMQX rather than on what a test measures.
 */
import {
  CoreV1Api,
  createConfiguration,
  type KubeConfig,
  type RequestContext,
  ServerConfiguration,
} from "@kubernetes/client-node";

/** `CoreV1Api` for the kubeconfig's current context whose requests share the first request's connection pool. */
export function keepAliveCoreApi(kubeConfig: KubeConfig): CoreV1Api {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig has no current cluster");
  let shared: ReturnType<RequestContext["getDispatcher"]>;
  const auth = {
    getName: () => "default",
    async applySecurityAuthentication(context: RequestContext): Promise<void> {
      await kubeConfig.applySecurityAuthentication(context);
      shared ??= context.getDispatcher();
      if (shared) context.setDispatcher(shared);
    },
  };
  return new CoreV1Api(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: auth },
    }),
  );
}
