/**
 * The `Rebalance` workflow, run by the status refresher for each EMQX CR it refreshes: the Rebalances of that
 * namespace whose `spec.instanceName` names the CR get one pass of core's pure `planRebalance` — the API call it
 * asks for (start on the first replicant, poll `global_status`, stop on delete), then the status that call's
 * outcome gives, written with the Rebalance's resourceVersion, and a `Rebalance` Event on it. A namespace without
 * the Rebalance CRD has none (see `rebalanceListing.ts`). A Rebalance naming an EMQX that does not exist is failed
 * (`EMQX <name> not found`), as the operator does, whether or not its namespace has other EMQX CRs. The operator's finalizer: added before
 * the start, removed once final; a Rebalance deleted while `Processing` is stopped on its coordinator, then its
 * finalizer is removed whatever the stop gave (also with the EMQX CR or its API gone).
 */
import { isKubeError, KubeErrorKind, type KubeObject } from "@emqx-reconciler/adapters";
import { REBALANCE_FINALIZER, RebalanceSpecSchema, type RebalanceStatus } from "@emqx-reconciler/api";
import {
  planRebalance,
  type RebalanceOutcome,
  type RebalancePlan,
  type RebalanceTarget,
} from "@emqx-reconciler/core";
import type { EmqxApi, Logger, StatusDeps } from "../ports.ts";

/** The EMQX API calls of a Rebalance pass. */
export type RebalanceApi = Pick<EmqxApi, "globalStatus"> & {
  startRebalance(node: string, body: Record<string, unknown>): Promise<"started" | { refused: string }>;
  stopRebalance(node: string): Promise<"stopped" | "not-started">;
};

interface NodeView {
  node?: string;
  node_status?: string;
  edition?: string;
}

function targetOf(cr: KubeObject): RebalanceTarget {
  const status = cr.status as
    | {
        conditions?: Array<{ type?: string; status?: string }>;
        coreNodes?: NodeView[];
        replicantNodes?: NodeView[];
      }
    | undefined;
  const running = (nodes: NodeView[] | undefined) =>
    (nodes ?? []).filter((n) => n.node && n.node_status !== "stopped").map((n) => n.node as string);
  const first = status?.conditions?.[0];
  return {
    ready: first?.type === "Ready" && first.status === "True",
    edition: status?.coreNodes?.[0]?.edition,
    coreNodes: running(status?.coreNodes),
    replicantNodes: running(status?.replicantNodes),
  };
}

/**
 * Runs one pass of every Rebalance of `listed` (the namespace's) that targets `cr`. `api` is the CR's EMQX API
 * client, when it has one.
 *
 * @example await reconcileRebalances(deps, cr, session.api, await listRebalances(deps, "mq"));
 */
export async function reconcileRebalances(
  deps: Pick<StatusDeps, "kube" | "clock"> & { logger: Logger },
  cr: KubeObject,
  api: RebalanceApi | undefined,
  listed: readonly KubeObject[],
): Promise<void> {
  const name = cr.metadata?.name ?? "";
  const mine = listed.filter((r) => (r.spec as { instanceName?: string } | undefined)?.instanceName === name);
  for (const rebalance of mine) await passOne(deps, cr, api, rebalance);
}

/**
 * Fails the Rebalances of `listed` (one namespace's) that name none of `existing` (the EMQX CRs there).
 *
 * @example await failOrphanRebalances(deps, listed, new Set(["emqx"]));
 */
export async function failOrphanRebalances(
  deps: Pick<StatusDeps, "kube" | "clock"> & { logger: Logger },
  listed: readonly KubeObject[],
  existing: ReadonlySet<string>,
): Promise<void> {
  const orphans = listed.filter(
    (r) => !existing.has((r.spec as { instanceName?: string } | undefined)?.instanceName ?? ""),
  );
  for (const rebalance of orphans) await passOne(deps, undefined, undefined, rebalance);
}

async function passOne(
  deps: Pick<StatusDeps, "kube" | "clock"> & { logger: Logger },
  cr: KubeObject | undefined,
  api: RebalanceApi | undefined,
  rebalance: KubeObject,
): Promise<void> {
  const spec = RebalanceSpecSchema.safeParse(rebalance.spec);
  if (!spec.success) return;
  const status = rebalance.status as RebalanceStatus | undefined;
  const input = {
    spec: spec.data,
    status,
    deleting: Boolean(rebalance.metadata?.deletionTimestamp),
    hasFinalizer: rebalance.metadata?.finalizers?.includes(REBALANCE_FINALIZER) ?? false,
    target: cr ? targetOf(cr) : undefined,
    now: deps.clock.now(),
  };
  const first = planRebalance(input);
  if (input.deleting) return finishDelete(deps, api, rebalance, first);
  let outcome: RebalanceOutcome | undefined;
  const action = first.action;
  if (action.kind !== "none" && !api) return;
  let current = rebalance;
  if (action.kind === "start" && api) {
    // The finalizer first, and the status later written against the version that holds it.
    if (first.finalizer === "add") current = (await setFinalizer(deps, rebalance, true)) ?? rebalance;
    const started = await api.startRebalance(action.node, { ...action.body });
    outcome =
      started === "started" ? { kind: "started" } : { kind: "start-failed", message: started.refused };
  } else if (action.kind === "poll" && api) {
    const global = await api.globalStatus();
    outcome = { kind: "polled", rebalances: global.rebalances as never };
  }
  const plan = outcome
    ? planRebalance({ ...input, hasFinalizer: input.hasFinalizer || first.finalizer === "add", outcome })
    : first;
  if (JSON.stringify(plan.status) !== JSON.stringify(status ?? {})) {
    const resourceVersion = current.metadata?.resourceVersion;
    current = await deps.kube.replaceStatus({
      ...rebalance,
      metadata: { ...rebalance.metadata, resourceVersion },
      status: plan.status,
    });
    if (plan.event) await deps.kube.recordEvent(rebalance, plan.event).catch(() => undefined);
    deps.logger.info("Rebalance", {
      namespace: rebalance.metadata?.namespace,
      name: rebalance.metadata?.name,
      phase: plan.status.phase,
    });
  }
  if (plan.finalizer === "remove") await setFinalizer(deps, current, false);
}

/**
 * A deleted Rebalance: one attempt to stop a running rebalance on its coordinator, then the finalizer goes,
 * whatever that attempt gave (no API, an error), so a delete never waits on EMQX.
 */
async function finishDelete(
  deps: Pick<StatusDeps, "kube"> & { logger: Logger },
  api: RebalanceApi | undefined,
  rebalance: KubeObject,
  plan: RebalancePlan,
): Promise<void> {
  const where = { namespace: rebalance.metadata?.namespace, name: rebalance.metadata?.name };
  if (plan.action.kind === "stop") {
    const node = plan.action.node;
    const stopped = api
      ? await api.stopRebalance(node).catch((error: unknown) => `failed: ${String(error)}`)
      : "no EMQX API";
    deps.logger.info("Rebalance deleted while processing: stop", { ...where, node, outcome: stopped });
  }
  if (plan.finalizer === "remove") await setFinalizer(deps, rebalance, false);
}

/**
 * Adds or removes our finalizer, leaving any other finalizer alone, guarded by the resourceVersion read (a conflict
 * fails this pass; the next refresh tries again). Returns the stored object; a Rebalance already gone counts as
 * done (`undefined`).
 */
async function setFinalizer(
  deps: Pick<StatusDeps, "kube">,
  rebalance: KubeObject,
  present: boolean,
): Promise<KubeObject | undefined> {
  const others = (rebalance.metadata?.finalizers ?? []).filter((f) => f !== REBALANCE_FINALIZER);
  try {
    return await deps.kube.setFinalizers(
      "Rebalance",
      rebalance.metadata?.namespace ?? "default",
      rebalance.metadata?.name ?? "",
      present ? [...others, REBALANCE_FINALIZER] : others,
      rebalance.metadata?.resourceVersion ?? "",
    );
  } catch (error) {
    if (!isKubeError(error, KubeErrorKind.NotFound)) throw error;
    return undefined;
  }
}
