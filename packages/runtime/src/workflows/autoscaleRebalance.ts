/**
 * The autoscaler's opt-in `Rebalance` after a scale-up (`autoscale.apps.emqx.io/rebalance-after-scale-up`), run by
 * the status refresher after the autoscaler: core's pure `planRebalanceAfterScaleUp` decides, this creates the
 * Rebalance (create-only; one per decision, named after it), records an Event on the CR, and deletes the finished
 * ones beyond the newest few. The Rebalance itself is then served like any other (`reconcileRebalances`).
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import {
  ANNOTATION_AUTOSCALE,
  DEFAULT_LIMITS,
  EventReason,
  LABEL_AUTOSCALE_REBALANCE_FOR,
} from "@emqx-reconciler/api";
import {
  buildScaleUpRebalance,
  planRebalanceAfterScaleUp,
  readAutoscalePolicy,
  readLastDecision,
} from "@emqx-reconciler/core";
import type { EmqxApi, KubePort, Logger, StatusDeps } from "../ports.ts";
import { autoscaleOne } from "./autoscale.ts";
import { crRef } from "./readObserved.ts";

interface CrStatus {
  conditions?: Array<{ type?: string; status?: string }>;
  coreNodes?: Array<{ edition?: string }>;
  replicantNodesStatus?: { readyReplicas?: number };
}

/**
 * Creates the Rebalance the last scale-up asks for and prunes old ones; `listed` is the namespace's Rebalances.
 *
 * @example await rebalanceAfterScaleUp({ kube, logger }, cr, await listRebalances(deps, ns), 100);
 */
export async function rebalanceAfterScaleUp(
  deps: { kube: Pick<KubePort, "createIfAbsent" | "delete" | "recordEvent">; logger: Logger },
  cr: KubeObject,
  listed: readonly KubeObject[],
  maxReplicas: number,
): Promise<void> {
  const annotations = cr.metadata?.annotations;
  const read = readAutoscalePolicy(annotations, maxReplicas);
  if (read.kind !== "on") return;
  const name = cr.metadata?.name ?? "";
  const namespace = cr.metadata?.namespace ?? "default";
  const status = cr.status as CrStatus | undefined;
  const first = status?.conditions?.[0];
  const mine = listed.filter((r) => r.metadata?.labels?.[LABEL_AUTOSCALE_REBALANCE_FOR] === name);
  const plan = planRebalanceAfterScaleUp({
    name,
    enabled: read.policy.rebalanceAfterScaleUp,
    last: readLastDecision(annotations?.[ANNOTATION_AUTOSCALE.lastDecision]),
    ready: first?.type === "Ready" && first.status === "True",
    readyReplicants: status?.replicantNodesStatus?.readyReplicas ?? 0,
    edition: status?.coreNodes?.[0]?.edition,
    existing: mine.map((r) => ({
      name: r.metadata?.name ?? "",
      phase: (r.status as { phase?: string } | undefined)?.phase,
    })),
  });
  if (plan.create) {
    const evacuation = (cr.spec as { updateStrategy?: { evacuationStrategy?: Record<string, number> } })
      ?.updateStrategy?.evacuationStrategy;
    const owner = { name, namespace, uid: cr.metadata?.uid, evacuation };
    const created = await deps.kube.createIfAbsent(buildScaleUpRebalance(owner, plan.create));
    if (created.outcome === "created") {
      deps.logger.info("Autoscale requested a Rebalance", { namespace, name, rebalance: plan.create });
      const message = `Autoscale scale-up is Ready: requested Rebalance ${plan.create} to move clients onto the new replicants`;
      await deps.kube
        .recordEvent(cr, { type: "Normal", reason: EventReason.AutoscaleDecided, message })
        .catch(() => undefined);
    }
  }
  for (const old of plan.delete) {
    const found = mine.find((r) => r.metadata?.name === old);
    const uid = found?.metadata?.uid;
    if (!uid || !found.apiVersion) continue;
    await deps.kube.delete({ apiVersion: found.apiVersion, kind: "Rebalance", namespace, name: old, uid });
  }
}

/**
 * Runs the autoscaler on one CR for the status refresher: first the Rebalance its last scale-up asks for (when
 * `rebalanceList`, the namespace's Rebalances, is given: the refresher serves Rebalances), then a new decision.
 * Failures are logged and never fail the status refresh.
 *
 * @example await runAutoscale(deps, "local", cr, api, rebalanceList);
 */
export async function runAutoscale(
  deps: StatusDeps,
  cluster: string,
  cr: KubeObject,
  api: EmqxApi,
  rebalanceList: readonly KubeObject[] | undefined,
): Promise<void> {
  if (!deps.autoscale) return;
  try {
    if (rebalanceList) {
      const maxReplicas = deps.limits?.maxReplicas ?? DEFAULT_LIMITS.maxReplicas;
      await rebalanceAfterScaleUp(deps, cr, rebalanceList, maxReplicas);
    }
    await autoscaleOne(
      {
        ...deps.autoscale,
        publisher: deps.publisher,
        logger: deps.logger,
        now: () => deps.clock.now(),
        cluster,
        ...(deps.limits ? { limits: deps.limits } : {}),
      },
      cr,
      api,
    );
  } catch (error) {
    deps.logger.warn("Autoscale failed", {
      ...crRef(cr),
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
