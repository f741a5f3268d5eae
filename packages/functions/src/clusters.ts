/**
 * The cluster half of the module-scope wiring: one gateway and EMQX API factory per registered cluster, kept while
 * the function is warm, and the workflows' dependencies for one cluster.
 */
import type { KubeGateway } from "@emqx-reconciler/adapters";
import { type ClusterEntry, ClusterGateways, EventPublisher } from "@emqx-reconciler/adapters/aws";
import {
  createEmqxApiFactory,
  cryptoRandom,
  type EmqxApiFactory,
  type EndpointMode,
  type ReconcileDeps,
  type StatusDeps,
  systemClock,
} from "@emqx-reconciler/runtime";
import { FunctionError } from "./config.ts";
import { portLogger } from "./observability.ts";
import { busTarget, shared } from "./shared.ts";
import { createTokenBucket, type TokenBucket, throttled } from "./throttle.ts";

/** The gateway methods the workflows call (`KubePort`); each is one Kubernetes request or a few. */
const KUBE_CALLS: ReadonlySet<string> = new Set([
  "getEmqx",
  "listEmqx",
  "list",
  "listChildren",
  "listEvents",
  "getSecret",
  "readBootstrapCredential",
  "apply",
  "createIfAbsent",
  "delete",
  "replaceStatus",
  "patchCrAnnotations",
  "setReplicas",
  "patchPodAnnotations",
  "setPodCondition",
  "recordEvent",
]);
const buckets = new Map<string, { qps: number; burst: number; bucket: TokenBucket }>();

function bucketFor(entry: ClusterEntry): TokenBucket {
  const { qps, burst } = entry.rateLimit;
  const known = buckets.get(entry.id);
  if (known && known.qps === qps && known.burst === burst) return known.bucket;
  const bucket = createTokenBucket(qps, burst);
  buckets.set(entry.id, { qps, burst, bucket });
  return bucket;
}

let gateways: ClusterGateways | undefined;
const emqx = new WeakMap<KubeGateway, EmqxApiFactory>();

/** One gateway per registered cluster, rebuilt when its registry entry changes. */
export function clusterGateways(): ClusterGateways {
  gateways ??= new ClusterGateways(shared().clients);
  return gateways;
}

/** Closes every cluster connection (tests). */
export async function closeClusters(): Promise<void> {
  await gateways?.close();
  gateways = undefined;
}

function endpointMode(entry: ClusterEntry): EndpointMode {
  const { endpointMode: mode, url } = entry.emqx;
  if (mode === "pod-ip" || mode === "service") return mode;
  if (mode === "url" && url) return { url: () => url };
  throw new FunctionError(`cluster ${entry.id}: emqx.endpointMode ${mode} is not supported by the workflows`);
}

/**
 * The gateway as seen by the workflows of a cluster whose registry entry names its namespaces: listing every EMQX
 * lists only those, so the status function never touches CRs the functions were not given (nor their Secrets).
 */
function scoped(kube: KubeGateway, namespaces: readonly string[] | undefined): KubeGateway {
  if (!namespaces) return kube;
  const view = Object.create(kube) as KubeGateway;
  view.listEmqx = async (namespace?: string) => {
    if (namespace !== undefined) return kube.listEmqx(namespace);
    const lists = await Promise.all(namespaces.map((ns) => kube.listEmqx(ns)));
    return { items: lists.flatMap((l) => l.items), resourceVersion: lists[0]?.resourceVersion ?? "" };
  };
  return view;
}

/** Reconcile and status dependencies for one registered cluster, with a logger carrying `fields` on every line. */
export async function clusterDeps(
  entry: ClusterEntry,
  fields: Record<string, string>,
): Promise<ReconcileDeps & StatusDeps> {
  const kube = await clusterGateways().get(entry);
  let emqxApi = emqx.get(kube);
  if (!emqxApi) {
    emqxApi = createEmqxApiFactory({ kube, mode: endpointMode(entry) });
    emqx.set(kube, emqxApi);
  }
  return {
    kube: throttled(scoped(kube, entry.namespaces), KUBE_CALLS, bucketFor(entry)),
    emqxApi,
    publisher: new EventPublisher(busTarget()),
    clock: systemClock,
    random: cryptoRandom,
    logger: portLogger({ cluster: entry.id, ...fields }),
    concurrency: shared().config.clusterConcurrency,
  };
}
