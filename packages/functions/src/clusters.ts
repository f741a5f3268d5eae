/**
 * The cluster half of the module-scope wiring: one gateway and EMQX API factory per registered cluster, kept while
 * the function is warm, and the workflows' dependencies for one cluster.
 */
import type { KubeGateway } from "@emqx-reconciler/adapters";
import { type ClusterEntry, ClusterGateways, EventPublisher } from "@emqx-reconciler/adapters/aws";
import type { Hint } from "@emqx-reconciler/api";
import {
  ChildListMemo,
  createEmqxApiFactory,
  cryptoRandom,
  type EmqxApiFactory,
  type EndpointMode,
  type ReconcileDeps,
  rememberingKube,
  type StatusDeps,
  systemClock,
} from "@emqx-reconciler/runtime";
import { FunctionError } from "./config.ts";
import { portLogger } from "./observability.ts";
import { busTarget, clusterClients, shared } from "./shared.ts";

let gateways: Promise<ClusterGateways> | undefined;
const emqx = new WeakMap<KubeGateway, EmqxApiFactory>();
/** Per cluster gateway, the children lists this container's passes made (bounded: see `ChildListMemo`). */
const childLists = new WeakMap<object, ChildListMemo>();

/**
 * One gateway per registered cluster, rebuilt when its registry entry changes; over HTTP/2 when `KUBE_HTTP2` is
 * `true` (the forwarder: one connection per watched cluster instead of one per open watch).
 */
export function clusterGateways(): Promise<ClusterGateways> {
  gateways ??= clusterClients().then(
    (clients) => new ClusterGateways(clients, { http2: process.env.KUBE_HTTP2 === "true" }),
  );
  return gateways;
}

/** Closes every cluster connection (tests). */
export async function closeClusters(): Promise<void> {
  const current = gateways;
  gateways = undefined;
  await (await current?.catch(() => undefined))?.close();
}

function endpointMode(entry: ClusterEntry): EndpointMode {
  const { endpointMode: mode, url } = entry.emqx;
  if (mode === "pod-ip" || mode === "service") return mode;
  if (mode === "url" && url) return { url: () => url };
  throw new FunctionError(`cluster ${entry.id}: emqx.endpointMode ${mode} is not supported by the workflows`);
}

/** Reconcile and status dependencies for one registered cluster, with a logger carrying `fields` on every line. */
export async function clusterDeps(
  entry: ClusterEntry,
  fields: Record<string, string>,
): Promise<ReconcileDeps & StatusDeps> {
  const kube = await (await clusterGateways()).get(entry);
  let emqxApi = emqx.get(kube);
  if (!emqxApi) {
    emqxApi = createEmqxApiFactory({ kube, mode: endpointMode(entry) });
    emqx.set(kube, emqxApi);
  }
  return {
    kube,
    emqxApi,
    publisher: new EventPublisher(busTarget()),
    clock: systemClock,
    random: cryptoRandom,
    logger: portLogger({ cluster: entry.id, ...fields }),
    podPolicy: entry.podPolicy,
    secretRefs: entry.secretRefs,
    concurrency: shared().config.clusterConcurrency,
  };
}

/**
 * {@link clusterDeps} for the pass `hint` starts: the CR's children of a kind whose digest in the hint matches
 * what this container remembers of that cluster are not listed again (see `rememberingKube`).
 */
export async function reconcileDeps(
  entry: ClusterEntry,
  hint: Hint,
  fields: Record<string, string>,
): Promise<ReconcileDeps> {
  const deps = await clusterDeps(entry, fields);
  let memo = childLists.get(deps.kube);
  if (!memo) {
    memo = new ChildListMemo();
    childLists.set(deps.kube, memo);
  }
  return { ...deps, kube: rememberingKube(deps.kube, memo, hint) };
}
