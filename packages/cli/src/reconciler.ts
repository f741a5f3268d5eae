/**
 * The embedded reconciler of `run` and `start`: the Kubernetes gateway and EMQX API factory feed the same
 * workflows the Lambda handlers call, driven by the embedded runtime (bus, keyed queue, timers) and a forwarder
 * that publishes hints into that bus. One cluster per process.
 */
import {
  isKubeError,
  KubeErrorKind,
  KubeGateway,
  KubeHttp,
  type KubeTarget,
} from "@emqx-reconciler/adapters";
import {
  busPatterns,
  crKey,
  type PodPolicy,
  type PutEventsEntry,
  type SecretRefPolicy,
  type StatusTransition,
} from "@emqx-reconciler/api";
import {
  AutoscaleMemory,
  type CachingKubeStats,
  type Clock,
  createCachingKube,
  createEmbeddedRuntime,
  createEmqxApiFactory,
  cryptoRandom,
  type EmbeddedRuntime,
  type EndpointMode,
  type Forwarder,
  isTerminalWorkflowError,
  kubeScalePort,
  ObjectCache,
  reconcile,
  refreshStatus,
  type ShutdownResult,
  startForwarder,
  systemClock,
  workflowRetryAfterMs,
} from "@emqx-reconciler/runtime";
import { CliError } from "./command.ts";
import { routeEventsOut } from "./eventsOut.ts";
import { tapKube } from "./kubeTap.ts";
import type { CliLogger } from "./log.ts";
import { routeScaleRequests } from "./scaleRoute.ts";
import type { StatusBoard } from "./statusBoard.ts";

/** Options of {@link startReconciler}. */
export interface ReconcilerOptions {
  kubeConfig: KubeTarget;
  /** Cluster id: the first part of every hint key. */
  cluster: string;
  /** Serve only this namespace (default: all). */
  namespace?: string;
  /** How the EMQX API is reached. @default "pod-ip" */
  emqxEndpoint?: EndpointMode;
  logger: CliLogger;
  board: StatusBoard;
  /** The pod-template policy of every pass (`run --pod-policy`). @default open */
  podPolicy?: PodPolicy;
  /** Which Secrets `bootstrapAPIKeys[].secretRef` may read (`run --secret-refs`). @default any */
  secretRefs?: SecretRefPolicy;
  /** Lifecycle events and status transitions go to this file or `http(s)://` URL too (`run --events-to`). */
  eventsTo?: string;
  /** How long `stop()` lets running reconciles finish. @default 10_000 */
  stopTimeoutMs?: number;
  /**
   * CRs reconciled at once (never the same CR twice). A pass mostly waits on the apiserver and the EMQX API, so
   * more workers than cores pay off when many CRs change together. @default 16
   */
  workers?: number;
  /** The clock of every pass (condition times, grace periods). @default the system clock */
  clock?: Clock;
  /**
   * Serve reads from the forwarder's watch cache (CRs, children, the status refresher's lists), so a warm pass
   * reads nothing from the apiserver. `false` reads every pass from the apiserver, as the Lambda handlers do.
   * @default true
   */
  readCache?: boolean;
  /**
   * With the read cache, the Rebalance CRD is watched like the owned kinds; while it is not installed, `run` looks
   * again this often (one list), and never per status refresh. @default 60_000
   */
  rebalanceCrdRecheckMs?: number;
}

/** A running reconciler. */
export interface RunningReconciler {
  /** Stops the forwarder, then drains the queue until the deadline, or at once when `force` aborts. */
  stop(force?: AbortSignal): Promise<ShutdownResult>;
  /** Keys waiting or running, for the status line. */
  queueDepth(): number;
  /** The loop's bus and queue, for end-to-end tests that deliver hints and read the queue's metrics. */
  readonly runtime: EmbeddedRuntime;
  /** The gateway every request goes through, for its request counts (`stats()`). */
  readonly gateway: KubeGateway;
  /** The watch cache the workflows read from; `undefined` with `readCache: false`. */
  readonly cache: ObjectCache | undefined;
  /** Reads answered from the cache and passed to the apiserver. */
  readStats(): CachingKubeStats;
}

const DEFAULT_WORKERS = 16;

/**
 * How long the forwarder gathers hints before handing them to the in-process bus. The keyed queue already folds
 * the hints of a CR that waits or runs into one pass, so the window only has to gather the events of one burst
 * (a set's pods created together); every pass starts this much after the change that caused it.
 */
const HINT_WINDOW_MS = 20;

/**
 * Cap of the queue's per-key retry delay for a pass that throws (client-go's is 1000 s): a CR whose reads keep
 * failing is tried at least every 5 minutes, the same cap as a reported write failure's backoff.
 */
const FAILURE_BACKOFF_MAX_MS = 300_000;

const CRD_HINT = "install it with: npx emqx-reconciler crd | kubectl apply --server-side -f -";

/** Fails early, with one readable line, when the cluster cannot be reached or has no EMQX CRD. */
async function preflight(gateway: KubeGateway, options: ReconcilerOptions): Promise<void> {
  try {
    await gateway.listEmqx(options.namespace);
  } catch (error) {
    const server = options.kubeConfig.server;
    if (isKubeError(error, KubeErrorKind.NotFound))
      throw new CliError(`the EMQX CRD (emqxes.apps.emqx.io) is not installed at ${server}; ${CRD_HINT}`);
    throw new CliError(`cannot list EMQX objects at ${server}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function describeTransition(t: StatusTransition): Record<string, string> {
  return {
    namespace: t.namespace,
    name: t.name,
    from: t.from,
    to: t.to,
    cores: `${t.core.ready}/${t.core.desired}`,
    replicants: `${t.replicant.ready}/${t.replicant.desired}`,
  };
}

/**
 * Checks the cluster, then starts the loop; the forwarder's first lists queue every existing CR.
 *
 * @example const r = await startReconciler({ kubeConfig, cluster: "local", logger, board }); await r.stop();
 */
export async function startReconciler(options: ReconcilerOptions): Promise<RunningReconciler> {
  const { cluster, logger, board } = options;
  const gateway = new KubeGateway({ kubeConfig: options.kubeConfig });
  await preflight(gateway, options);
  const cache = options.readCache === false ? undefined : new ObjectCache();
  const caching = cache ? createCachingKube(gateway, cache) : undefined;
  const kube = tapKube(caching?.kube ?? gateway, { board, logger, namespace: options.namespace });
  const emqxApi = createEmqxApiFactory({ kube, mode: options.emqxEndpoint ?? "pod-ip" });
  const publisher = { putEvents: (entries: readonly PutEventsEntry[]) => runtime.bus.putEvents(entries) };
  const common = {
    kube,
    emqxApi,
    publisher,
    clock: options.clock ?? systemClock,
    logger,
    ...(options.podPolicy ? { podPolicy: options.podPolicy } : {}),
    ...(options.secretRefs ? { secretRefs: options.secretRefs } : {}),
  };
  const scaleHttp = new KubeHttp({ kubeConfig: options.kubeConfig });
  const scale = kubeScalePort(scaleHttp);
  const autoscale = { scale, memory: new AutoscaleMemory() };
  const runtime = createEmbeddedRuntime({
    async reconcile(_key, hint, _signal, previousFailures) {
      const key = { cluster, namespace: hint.namespace, name: hint.name };
      const result = await reconcile({ ...common, random: cryptoRandom }, key, hint, { previousFailures });
      return result.requeueAfterSeconds === undefined
        ? {}
        : { requeueAfterSeconds: result.requeueAfterSeconds };
    },
    async refreshStatus(clusterId) {
      const busy = (namespace: string, name: string) => runtime.queue.has(crKey(clusterId, namespace, name));
      const result = await refreshStatus({ ...common, autoscale, rebalance: true, busy }, clusterId);
      logger.debug("Refreshed EMQX statuses", {
        cluster: clusterId,
        ...result,
        transitions: result.transitions.length,
      });
    },
    listClusters: () => [cluster],
    listKeys: async () =>
      (await kube.listEmqx(options.namespace)).items.map((cr) => ({
        cluster,
        namespace: cr.metadata?.namespace ?? "default",
        name: cr.metadata?.name ?? "",
        uid: cr.metadata?.uid,
        resourceVersion: cr.metadata?.resourceVersion,
      })),
    resyncAtStart: false,
    queue: {
      isTerminal: isTerminalWorkflowError,
      retryAfterMs: workflowRetryAfterMs,
      concurrency: options.workers ?? DEFAULT_WORKERS,
      backoffMaxMs: FAILURE_BACKOFF_MAX_MS,
    },
    stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
    onFailure(failure) {
      const error = failure.error instanceof Error ? failure.error.message : String(failure.error);
      if (failure.phase !== "reconcile") return logger.warn(`Failed: ${failure.phase}`, { error });
      const [namespace = "", name = ""] = failure.key.split("/").slice(-2);
      board.noteEvent(namespace, name, `Failed: ${error}`, new Date());
      logger.warn("Reconcile failed", { key: failure.key, error, retryInMs: failure.retryInMs });
    },
  });
  runtime.bus.addRule({
    name: "log-status-transitions",
    pattern: busPatterns.statusTransitions,
    target: (event) =>
      logger.info("EMQX status changed", describeTransition(event.detail as StatusTransition)),
  });
  routeScaleRequests(runtime, { kube: scale, logger });
  if (options.eventsTo) routeEventsOut(runtime.bus, options.eventsTo);
  await runtime.start();
  const forwarder: Forwarder = startForwarder({
    cluster,
    kube: gateway,
    publisher: runtime.bus,
    batching: { windowMs: HINT_WINDOW_MS },
    // The status refresher's Rebalances come from the cache too (the forwarder gives them no hint).
    ...(cache ? { cache, optionalKinds: ["Rebalance"] as const } : {}),
    ...(options.rebalanceCrdRecheckMs ? { absentRecheckMs: options.rebalanceCrdRecheckMs } : {}),
    ...(options.namespace ? { namespaces: [options.namespace] } : {}),
    logger,
  });
  forwarder.ready.then(
    () =>
      logger.info("Listed every EMQX and child; watching", {
        cluster,
        namespace: options.namespace ?? "(all)",
      }),
    (error: unknown) => logger.warn("Forwarder did not start", { error }),
  );
  return {
    runtime,
    gateway,
    cache,
    readStats: () => caching?.stats() ?? { hits: 0, misses: 0 },
    async stop(force) {
      await forwarder.stop();
      const stopping = runtime.stop();
      const onForce = () => void runtime.queue.shutdown({ drain: false, timeoutMs: 0 });
      force?.addEventListener("abort", onForce, { once: true });
      if (force?.aborted) onForce();
      return stopping.finally(() => scaleHttp.close());
    },
    queueDepth: () => {
      const m = runtime.queue.metrics();
      return m.depth + m.processing;
    },
  };
}
