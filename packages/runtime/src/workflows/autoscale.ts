/**
 * The connection autoscaler's runtime side, run by the status refresher for every CR that opted in with
 * `autoscale.apps.emqx.io/*` annotations: one `GET /api/v5/stats?aggregate=true` sample per refresh, kept in
 * memory per CR; the decision is core's pure `decideAutoscale`; a scale decision goes through the scale
 * workflow (bounds, resourceVersion guard, `ScaleRequested` Event) like any `ScaleRequest`, then the decision is
 * written to the CR's `autoscale.apps.emqx.io/last-decision` annotation (so windows and cooldown survive a restart
 * of the reconciler) and recorded as an `AutoscaleDecided` Event. Scale-down is the reconcile's usual replicant
 * scale-down, evacuation included. A process that restarts loses its samples: the next decision then waits for a
 * full window of new ones, which is the safe side.
 */
import {
  ANNOTATION_AUTOSCALE,
  DEFAULT_LIMITS,
  EventReason,
  isoTime,
  type LifecycleEvent,
  LifecycleEventSchema,
  type Limits,
} from "@emqx-reconciler/api";
import {
  type AutoscaleDecision,
  type AutoscaleSample,
  decideAutoscale,
  pruneSamples,
  readAutoscalePolicy,
  readLastDecision,
} from "@emqx-reconciler/core";
import type { Logger, Publisher } from "../ports.ts";
import { publishLifecycleEvents } from "./lifecyclePublish.ts";
import { runScale, type ScalePort, type ScaleTarget } from "./scale.ts";

/** Connection samples per CR (by uid), kept between refreshes. */
export class AutoscaleMemory {
  readonly #samples = new Map<string, AutoscaleSample[]>();

  /** The samples kept for `uid`. */
  samples(uid: string): readonly AutoscaleSample[] {
    return this.#samples.get(uid) ?? [];
  }

  /** Replaces the samples of `uid`. */
  keep(uid: string, samples: AutoscaleSample[]): void {
    this.#samples.set(uid, samples);
  }
}

/** What the autoscaler needs besides the CR and its EMQX API. */
export interface AutoscaleDeps {
  scale: ScalePort;
  memory: AutoscaleMemory;
  logger: Logger;
  now: () => Date;
  limits?: Partial<Limits>;
  /** The cluster id, as scale requests name it. */
  cluster: string;
  /** Where `ScaleDecided` / `ScaleRefused` lifecycle events go; none without it. */
  publisher?: Publisher;
}

/** The EMQX API calls the autoscaler makes: `/monitor_current` only when the policy targets messages. */
export interface ConnectionStats {
  getStats(): Promise<Record<string, number>>;
  getMonitorCurrent(): Promise<Record<string, number>>;
}

/** Live connections of a `/stats?aggregate=true` body (`live_connections.count`, else `connections.count`). */
export function liveConnections(stats: Record<string, number>): number | undefined {
  return stats["live_connections.count"] ?? stats["connections.count"];
}

function replicantsOf(cr: ScaleTarget): number | undefined {
  const t = (cr.spec as { replicantTemplate?: { spec?: { replicas?: number } } } | undefined)
    ?.replicantTemplate;
  return t ? (t.spec?.replicas ?? 0) : undefined;
}

/**
 * Samples, decides and (when the decision is to scale) scales one CR. Returns the decision, or `undefined` when
 * the CR did not opt in or has no replicants to scale.
 *
 * @example const decision = await autoscaleOne(deps, cr, api);
 */
export async function autoscaleOne(
  deps: AutoscaleDeps,
  cr: ScaleTarget,
  api: ConnectionStats,
): Promise<AutoscaleDecision | undefined> {
  const annotations = cr.metadata?.annotations;
  const maxReplicas = deps.limits?.maxReplicas ?? DEFAULT_LIMITS.maxReplicas;
  const read = readAutoscalePolicy(annotations, maxReplicas);
  const replicas = replicantsOf(cr);
  if (read.kind === "off" || replicas === undefined) return undefined;
  const namespace = cr.metadata?.namespace ?? "default";
  const name = cr.metadata?.name ?? "";
  const key = `${namespace}/${name}`;
  if (read.kind === "invalid") {
    deps.logger.warn("Autoscale annotations cannot be read", { key, problem: read.problem });
    return undefined;
  }
  const { policy } = read;
  const now = deps.now().getTime();
  const uid = cr.metadata?.uid ?? key;
  const connections = liveConnections(await api.getStats());
  const messagesPerSecond = policy.targetMessagesPerSecondPerReplicant
    ? (await api.getMonitorCurrent()).received_msg_rate
    : undefined;
  const sample = {
    at: now,
    connections: connections ?? 0,
    ...(messagesPerSecond !== undefined ? { messagesPerSecond } : {}),
  };
  const counted = connections !== undefined || messagesPerSecond !== undefined;
  const samples = pruneSamples([...deps.memory.samples(uid), ...(counted ? [sample] : [])], policy, now);
  deps.memory.keep(uid, samples);
  const last = readLastDecision(annotations?.[ANNOTATION_AUTOSCALE.lastDecision]);
  const decision = decideAutoscale({ policy, samples, replicas, now, last });
  if (decision.action === "hold") return decision;
  deps.logger.info("Autoscale decided", { key, ...decision });
  const outcome = await runScale(
    { kube: deps.scale, logger: deps.logger, ...(deps.limits ? { limits: deps.limits } : {}) },
    {
      cluster: deps.cluster,
      namespace,
      name,
      role: "replicant",
      replicas: decision.to,
      requestedBy: "autoscaler",
    },
    { source: "emqx-reconciler.autoscale" },
  );
  const record = { at: now, from: decision.from, to: outcome === "scaled" ? decision.to : decision.from };
  await deps.scale.patchEmqx(namespace, name, {
    metadata: { annotations: { [ANNOTATION_AUTOSCALE.lastDecision]: JSON.stringify(record) } },
  });
  await publishDecision(deps, cr, decision, outcome === "scaled" ? "ScaleDecided" : "ScaleRefused", now);
  if (outcome === "scaled") {
    const message = `Autoscale ${decision.action} replicants ${decision.from} → ${decision.to}: ${decision.reason}`;
    await deps.scale
      .recordEvent(cr, { type: "Normal", reason: EventReason.AutoscaleDecided, message })
      .catch((error: unknown) =>
        deps.logger.warn("Failed to record Event", {
          reason: EventReason.AutoscaleDecided,
          error: String(error),
        }),
      );
  }
  return decision;
}

async function publishDecision(
  deps: AutoscaleDeps,
  cr: ScaleTarget,
  decision: AutoscaleDecision,
  kind: "ScaleDecided" | "ScaleRefused",
  now: number,
): Promise<void> {
  if (!deps.publisher) return;
  const status = (
    cr as { status?: Record<string, { readyReplicas?: number; replicas?: number } | undefined> }
  ).status;
  const counts = (role: "coreNodesStatus" | "replicantNodesStatus") => ({
    ready: status?.[role]?.readyReplicas ?? 0,
    desired: status?.[role]?.replicas ?? 0,
  });
  const common = {
    cluster: deps.cluster,
    namespace: cr.metadata?.namespace ?? "default",
    name: cr.metadata?.name ?? "",
    ...(cr.metadata?.uid ? { uid: cr.metadata.uid } : {}),
    counts: { core: counts("coreNodesStatus"), replicant: counts("replicantNodesStatus") },
    role: "replicant",
    reason: decision.reason,
    time: isoTime(new Date(now)),
  };
  const event: LifecycleEvent = LifecycleEventSchema.parse(
    kind === "ScaleDecided"
      ? { ...common, kind, from: decision.from, to: decision.to }
      : { ...common, kind, replicas: decision.to },
  );
  await publishLifecycleEvents(deps.publisher, deps.logger, [event]);
}
