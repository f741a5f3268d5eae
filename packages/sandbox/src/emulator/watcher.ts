/**
 * Follows EMQX pods (label `apps.emqx.io/instance`) in every namespace with a client-node informer (list + watch,
 * relist on 410, reconnect on idle timeout, restarted after errors) and feeds the model. A starting pod's
 * bootstrap keys and config are read through the Kubernetes API from the Secret and ConfigMap its volumes
 * mount — what the real EMQX reads from the mounted files — and, when its config enables the https dashboard, the
 * certificate and key from the Secret its `ssl_options` files are mounted from.
 */
import { type CoreV1Api, type KubeConfig, makeInformer, type V1Pod } from "@kubernetes/client-node";
import type { EmulatedEmqx, NodeBootstrap } from "./cluster.ts";
import { computeInitialConfig } from "./clusterConfig.ts";
import { keepAliveCoreApi } from "./coreApi.ts";
import {
  type DashboardTls,
  dashboardCertFiles,
  httpsDashboardPort,
  type SecretFileRef,
  secretFileOf,
} from "./dashboardListeners.ts";
import type { Logger } from "./listeners.ts";
import { computePodFacts, INSTANCE_LABEL, type PodFacts } from "./podFacts.ts";

/** What the watcher needs. */
export interface PodWatcherOptions {
  readonly kubeConfig: KubeConfig;
  readonly emqx: EmulatedEmqx;
  readonly clock: () => number;
  readonly log: Logger;
  /** Called after the model changed, so listeners can follow. */
  readonly onChange: () => void;
  /** Delay before restarting a failed informer. @default 2000 */
  readonly restartDelayMs?: number;
}

/** A running pod watch. */
export interface PodWatcher {
  stop(): Promise<void>;
}

/** Starts watching; resolves once the initial list has been processed. */
export async function startPodWatcher(options: PodWatcherOptions): Promise<PodWatcher> {
  const core = keepAliveCoreApi(options.kubeConfig);
  const informer = makeInformer<V1Pod>(
    options.kubeConfig,
    "/api/v1/pods",
    () => core.listPodForAllNamespaces({ labelSelector: INSTANCE_LABEL }),
    INSTANCE_LABEL,
  );
  const chains = new Map<string, Promise<void>>();
  const enqueue = (pod: V1Pod, deleted: boolean) => {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    const next = (chains.get(key) ?? Promise.resolve())
      .then(() => applyPod(core, options, pod, deleted))
      .catch((e: unknown) => options.log("Failed to apply Pod", { pod: key, error: (e as Error).message }));
    chains.set(key, next);
    void next.then(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
  };
  let stopped = false;
  informer.on("add", (pod) => enqueue(pod, false));
  informer.on("update", (pod) => enqueue(pod, false));
  informer.on("delete", (pod) => enqueue(pod, true));
  informer.on("error", (err) => {
    options.log("Pod watch failed; restarting", { error: String((err as Error)?.message ?? err) });
    setTimeout(() => {
      if (!stopped) void informer.start();
    }, options.restartDelayMs ?? 2000).unref();
  });
  await informer.start();
  await Promise.all(chains.values());
  return {
    async stop() {
      stopped = true;
      await informer.stop();
      await Promise.all(chains.values());
    },
  };
}

async function applyPod(
  core: CoreV1Api,
  options: PodWatcherOptions,
  pod: V1Pod,
  deleted: boolean,
): Promise<void> {
  const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  const facts = deleted ? undefined : computePodFacts(pod, options.clock());
  if (!facts) {
    if (options.emqx.findPod(podKey)) {
      options.emqx.stopPod(podKey);
      options.log("Stopped node", { pod: podKey });
      options.onChange();
    }
    return;
  }
  if (options.emqx.hasPod(podKey, facts.uid)) return;
  const boot = await readBootstrap(core, pod, facts);
  const problem = options.emqx.startNode(facts, boot);
  if (problem)
    options.log("Started with default config: emqx.conf does not parse", { pod: podKey, error: problem });
  options.log("Started node", {
    pod: podKey,
    node: facts.nodeName,
    role: facts.role,
    version: facts.versionInfo.version,
  });
  options.onChange();
}

async function readBootstrap(core: CoreV1Api, pod: V1Pod, facts: PodFacts): Promise<NodeBootstrap> {
  const volumes = pod.spec?.volumes ?? [];
  const secretName =
    volumes.find((v) => v.name === "bootstrap-api-key")?.secret?.secretName ??
    `${facts.clusterName}-bootstrap-api-key`;
  const configName =
    volumes.find((v) => v.name === "bootstrap-config")?.configMap?.name ?? `${facts.clusterName}-configs`;
  const [secret, configMap] = await Promise.all([
    ignoreNotFound(core.readNamespacedSecret({ name: secretName, namespace: facts.namespace })),
    ignoreNotFound(core.readNamespacedConfigMap({ name: configName, namespace: facts.namespace })),
  ]);
  const encoded = secret?.data?.bootstrap_api_key;
  const configText = configMap?.data?.["emqx.conf"];
  return {
    bootstrapKeys: encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8"),
    configText,
    dashboardTls: await readDashboardTls(core, pod, facts, configText),
  };
}

/**
 * The https dashboard certificate and key as EMQX would read them from its files: each file's Secret (through the
 * pod's mounts), when the config enables https and both files come from a Secret that has them.
 */
async function readDashboardTls(
  core: CoreV1Api,
  pod: V1Pod,
  facts: PodFacts,
  configText: string | undefined,
): Promise<DashboardTls | undefined> {
  const { config } = computeInitialConfig(configText, facts.env);
  if (httpsDashboardPort(config) === undefined) return undefined;
  const { certfile, keyfile } = dashboardCertFiles(config);
  const refs = [certfile, keyfile].map((f) => (f ? secretFileOf(pod, f) : undefined));
  const [certRef, keyRef] = refs;
  if (!certRef || !keyRef) return undefined;
  const read = async (ref: SecretFileRef) => {
    const s = await ignoreNotFound(
      core.readNamespacedSecret({ name: ref.secretName, namespace: facts.namespace }),
    );
    const data = s?.data?.[ref.key];
    return data === undefined ? undefined : Buffer.from(data, "base64").toString("utf8");
  };
  const [cert, key] = await Promise.all([read(certRef), read(keyRef)]);
  return cert && key ? { cert, key } : undefined;
}

async function ignoreNotFound<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  }
}
