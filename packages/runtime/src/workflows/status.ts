/**
 * The status workflow: for every EMQX CR of one cluster, what the EMQX API says now,
 * turned into `.status` by the same pure code the reconcile uses, written only when it changed.
 *
 * Decisions:
 * - It calls core's `plan` on a smaller observed state (sets and pods, no Services, PDBs or Secret lists) and uses only
 *   what depends on it: `status` and `podConditions`. The readiness gates are kept right here too: a node
 *   that leaves the EMQX cluster must leave the Service endpoints now, not at the next reconcile, and a node that
 *   joins must not wait for one either. Everything else (applies, scaling, config) stays the reconcile's.
 * - A CR with no ready core pod has no API to ask and is skipped; so is one whose bootstrap Secret does not exist
 *   yet. Kubernetes-side changes of such CRs reach the reconcile through hints.
 * - Listing is per kind, not per CR: three lists (StatefulSets, ReplicaSets, Pods, by the `instance` and
 *   `managed-by` labels, in the CRs' one namespace or across the namespaces served) and one of Rebalances serve
 *   every CR; embedded, the read cache answers them.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import {
  childNames,
  EventReason,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  MANAGED_BY,
  type StatusTransition,
} from "@emqx-reconciler/api";
import {
  computeApiCandidates,
  type Observed,
  plan,
  statusDiffers,
  templateCredentialsGeneration,
} from "@emqx-reconciler/core";
import type { EmqxApi, StatusDeps } from "../ports.ts";
import { runAutoscale } from "./autoscaleRebalance.ts";
import { publishStatusLifecycle } from "./lifecyclePublish.ts";
import { mapBounded } from "./mapBounded.ts";
import { readEmqxView } from "./readEmqxView.ts";
import { crRef } from "./readObserved.ts";
import { reconcileRebalances } from "./rebalance.ts";
import { failOrphans, listRebalancesByNamespace } from "./rebalanceListing.ts";
import { freshPassState, type Pass, recordEvents, setPodGates } from "./reconcileWrites.ts";
import { attentionOf, type CrAttention } from "./statusAttention.ts";
import { computeTransition, publishTransitions } from "./statusTransitions.ts";
import { keepWriteFailure, writeStatus } from "./statusWrite.ts";
import { retryableFailure } from "./workflowErrors.ts";

/** What one refresh of a cluster did. */
export interface StatusRefreshResult {
  /** EMQX CRs seen (not being deleted). */
  crs: number;
  /** Statuses written. */
  patched: number;
  /** Transitions published (phase, counts or revisions changed). */
  transitions: StatusTransition[];
  /** CRs whose refresh failed (logged; the others went on). */
  failed: number;
  /** CRs whose status, after this refresh, holds `NodeStatusStale` or `ReconcileFailed` True. */
  attention: CrAttention[];
}

/** Events that describe a status change, recorded by whichever workflow wrote that change. */
const STATUS_EVENT_REASONS: ReadonlySet<string> = new Set([
  EventReason.Ready,
  EventReason.FailedToGetNodeStatuses,
]);

type Children = Pick<Observed, "statefulSets" | "replicaSets" | "pods">;

/** The sets and pods of every CR, by `namespace/instance`, or why they could not be listed. */
type Listing = { value: Map<string, Children> } | { error: unknown };

/** One list per kind (sets and pods, by the children's labels) in `namespace`, or across every one served. */
async function listIn(deps: StatusDeps, namespace: string | undefined): Promise<Map<string, Children>> {
  // Every child carries the instance label; asking for it too lets the embedded read cache (which holds exactly
  // the objects with both labels) answer without a request.
  const labelSelector = `${LABEL_INSTANCE},${LABEL_MANAGED_BY}=${MANAGED_BY}`;
  const kinds = ["StatefulSet", "ReplicaSet", "Pod"] as const;
  const lists = await Promise.all(kinds.map((kind) => deps.kube.list(kind, { namespace, labelSelector })));
  const byInstance = new Map<string, Children>();
  const fields = ["statefulSets", "replicaSets", "pods"] as const;
  lists.forEach((list, i) => {
    for (const item of list.items) {
      const instance = item.metadata?.labels?.[LABEL_INSTANCE];
      if (!instance) continue;
      const key = `${item.metadata?.namespace ?? ""}/${instance}`;
      const children = byInstance.get(key) ?? { statefulSets: [], replicaSets: [], pods: [] };
      byInstance.set(key, children);
      (children[fields[i] as (typeof fields)[number]] as unknown[]).push(item);
    }
  });
  return byInstance;
}

/**
 * The listing of each namespace of `namespaces`: when the CRs are in several, one list per kind across every
 * namespace served serves them all; if that fails (a namespace's access revoked, say), each namespace is listed
 * on its own, so a failure there fails only its CRs.
 */
async function listSetsAndPods(deps: StatusDeps, namespaces: string[]): Promise<Map<string, Listing>> {
  if (namespaces.length > 1) {
    const all = await listIn(deps, undefined).catch(() => undefined);
    if (all) return new Map(namespaces.map((ns) => [ns, { value: all }]));
  }
  const each = await mapBounded(namespaces, deps.concurrency ?? 8, (ns) => listIn(deps, ns));
  return new Map(
    namespaces.map((ns, i) => {
      const result = each[i] as PromiseSettledResult<Map<string, Children>>;
      return [ns, result.status === "fulfilled" ? { value: result.value } : { error: result.reason }];
    }),
  );
}

async function refreshOne(
  deps: StatusDeps,
  cluster: string,
  cr: KubeObject,
  children: Children,
  rebalanceList: readonly KubeObject[],
) {
  const { name } = crRef(cr);
  const names = childNames(name);
  // Secrets are not listed here: the credentials generation the core sets were built with stands for theirs.
  const generation = templateCredentialsGeneration(children.statefulSets);
  const stamp = generation ? { credentialsGeneration: generation } : {};
  const observed = {
    ...children,
    services: [],
    secrets: [
      { name: names.bootstrapApiKey, ...stamp },
      { name: names.nodeCookie, ...stamp },
    ],
    pdbs: [],
    persistentVolumeClaims: [],
    deleteEvents: [],
    referencedSecretValues: {},
  } as Observed;
  if (computeApiCandidates(observed).length === 0) return undefined;
  const session = await readEmqxView(deps.emqxApi, cr, observed, deps.logger);
  if (session.missingCredential) return undefined;
  const now = deps.clock.now();
  const p = plan({
    emqx: cr as Parameters<typeof plan>[0]["emqx"],
    observed,
    api: session.emqxView,
    now,
    random: { password: "", cookie: "" },
    ...(deps.limits ? { limits: deps.limits } : {}),
    ...(deps.podPolicy ? { podPolicy: deps.podPolicy } : {}),
  });
  const pass: Pass = {
    deps: { ...deps, random: { password: () => "", cookie: () => "" } },
    cr,
    observed,
    emqxClient: session.emqxClient,
    state: freshPassState(cr),
  };
  const busy = deps.busy?.(crRef(cr).namespace, name) ?? false;
  if (!busy) await setPodGates(pass, p.podConditions);
  if (deps.autoscale && session.emqxClient && session.emqxView.state === "ok")
    await runAutoscale(deps, cluster, cr, session.emqxClient, deps.rebalance ? rebalanceList : undefined);
  if (deps.rebalance) await rebalances(deps, cr, session.emqxClient, rebalanceList);
  const status = keepWriteFailure(p.status, cr.status);
  if (busy) return { patched: false, status: cr.status };
  if (!statusDiffers(cr.status, status)) return { patched: false, status };
  if (!(await writeStatus(deps.kube, cr, pass.state.resourceVersion, status)))
    return { patched: false, status: cr.status };
  await recordEvents(
    pass,
    p.events.filter((e) => STATUS_EVENT_REASONS.has(e.reason)),
  );
  await publishStatusLifecycle(deps.publisher, deps.logger, cluster, cr, status, now);
  return { patched: true, status, transition: computeTransition(cluster, cr, cr.status, status, now) };
}

/** Runs the Rebalances that target one CR; their failures are logged and never fail the status refresh. */
async function rebalances(
  deps: StatusDeps,
  cr: KubeObject,
  api: EmqxApi | undefined,
  listed: readonly KubeObject[],
): Promise<void> {
  try {
    await reconcileRebalances(deps, cr, api, listed);
  } catch (error) {
    deps.logger.warn("Rebalance failed", {
      ...crRef(cr),
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * Refreshes the status of every EMQX CR the deps' cluster has, `concurrency` CRs at a time, and publishes the
 * transitions it wrote. One CR's failure is logged and counted, never stops the others; only failing to list the
 * CRs at all fails the refresh (a retryable `WorkflowError`).
 *
 * @example const { patched, transitions } = await refreshStatus(deps, "local");
 */
export async function refreshStatus(deps: StatusDeps, cluster: string): Promise<StatusRefreshResult> {
  let crs: KubeObject[];
  try {
    crs = (await deps.kube.listEmqx()).items.filter((cr) => !cr.metadata?.deletionTimestamp);
  } catch (error) {
    throw retryableFailure(`list EMQX of cluster ${cluster}`, error);
  }
  const limit = deps.concurrency ?? 8;
  const namespaces = [...new Set(crs.map((cr) => crRef(cr).namespace))];
  const [listings, rebalanceLists] = await Promise.all([
    listSetsAndPods(deps, namespaces),
    deps.rebalance ? listRebalancesByNamespace(deps) : new Map<string, KubeObject[]>(),
  ]);
  const results = await mapBounded(crs, limit, async (cr) => {
    const { namespace, name } = crRef(cr);
    const listing = listings.get(namespace);
    if (!listing || "error" in listing) throw listing?.error;
    const children = listing.value.get(`${namespace}/${name}`) ?? {
      statefulSets: [],
      replicaSets: [],
      pods: [],
    };
    return refreshOne(deps, cluster, cr, children, rebalanceLists.get(namespace) ?? []);
  });
  if (deps.rebalance) await failOrphans(deps, crs, rebalanceLists);
  const transitions: StatusTransition[] = [];
  const attention: CrAttention[] = [];
  let patched = 0;
  let failed = 0;
  results.forEach((result, i) => {
    if (result.status === "rejected") {
      failed++;
      const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
      deps.logger.error("Failed to refresh EMQX status", {
        cluster,
        ...crRef(crs[i] as KubeObject),
        error: reason,
      });
      return;
    }
    attention.push(...attentionOf(crs[i] as KubeObject, result.value ? result.value.status : crs[i]?.status));
    if (result.value?.patched) patched++;
    if (result.value?.transition) transitions.push(result.value.transition);
  });
  if (transitions.length > 0) await publishTransitions(deps.publisher, deps.logger, transitions);
  return { crs: crs.length, patched, transitions, failed, attention };
}
