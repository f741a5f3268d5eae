/**
 * One pass over a valid CR, the operator's sub-reconcilers (reference §3.3) expressed as one declarative result.
 */
import { ConditionType, type Emqx, type EmqxStatus, EventReason } from "@emqx-reconciler/api";
import type { KubernetesObject, V1Service } from "@kubernetes/client-node";
import { buildConfigMap } from "../children/configMap.ts";
import { buildCorePdb, buildReplicantPdb, hasReplicants } from "../children/pdbs.ts";
import { buildDashboardService, buildHeadlessService, buildListenersService } from "../children/services.ts";
import { HoconError } from "../hocon/errors.ts";
import { findCondition } from "../status/conditions.ts";
import { planPodsNotReady } from "../status/podsNotReady.ts";
import { toMillis } from "../status/time.ts";
import { planCleanup } from "./cleanup.ts";
import { planConfig } from "./config.ts";
import { planDrift } from "./drift.ts";
import { planPodConditions } from "./podConditions.ts";
import { apiRetry, emqxPoll, soonest } from "./requeue.ts";
import { planScaleDown, type ScaleDownResult } from "./scaleDown.ts";
import { statusDiffers } from "./statusDiff.ts";
import type { Plan, PlanInput, PlannedEvent } from "./types.ts";
import { planWorkloads, type Workloads } from "./workloads.ts";

function defined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/**
 * Dashboard and listeners Services, ports from the live cluster config (the operator's source); when that text
 * cannot be parsed, from the spec's config, so a surprise in EMQX's output never blocks the Services.
 */
function exposedServices(
  emqx: Emqx,
  liveConfig: string | undefined,
  useReplicantSelector: boolean,
): V1Service[] {
  const build = (config: string | undefined) =>
    [
      buildDashboardService(emqx, { liveConfig: config }),
      buildListenersService(emqx, { liveConfig: config, useReplicantSelector }),
    ].filter(defined);
  if (liveConfig === undefined) return build(undefined);
  try {
    return build(liveConfig);
  } catch (error) {
    if (error instanceof HoconError) return build(undefined);
    throw error;
  }
}

/** Events for what changed in the status: reaching Ready, and a new reason the API could not be read. */
function transitionEvents(prior: EmqxStatus, next: EmqxStatus): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const was = (type: string) => findCondition(prior.conditions ?? [], type);
  const now = (type: string) => findCondition(next.conditions ?? [], type);
  const stale = now(ConditionType.NodeStatusStale);
  if (stale && was(ConditionType.NodeStatusStale)?.reason !== stale.reason) {
    events.push({ type: "Warning", reason: EventReason.FailedToGetNodeStatuses, message: stale.message });
  }
  if (now(ConditionType.Ready) && !was(ConditionType.Ready)) {
    events.push({ type: "Normal", reason: EventReason.Ready, message: "Cluster is ready" });
  }
  return events;
}

function setEvents(w: Workloads): PlannedEvent[] {
  return [w.core.event, w.replicant.event].filter(defined);
}

function uids(...sets: Array<{ metadata?: { uid?: string } } | undefined>): Set<string> {
  return new Set(sets.flatMap((s) => (s?.metadata?.uid ? [s.metadata.uid] : [])));
}

/** The plan for a valid CR whose Secrets can be made; `create` comes from `planSecrets`. */
export function planConverge(
  input: PlanInput,
  emqx: Emqx,
  prior: EmqxStatus,
  create: KubernetesObject[],
  now: string,
): Plan {
  const { observed, api } = input;
  const w = planWorkloads(emqx, observed, api, prior, now);
  const drifts = [w.core.drift, w.replicant.drift].filter(defined);
  const drift = planDrift(w.result.status.conditions ?? [], drifts, now, emqx.metadata.generation);
  const generation = emqx.metadata.generation;
  const stuck = planPodsNotReady(drift.conditions, emqx.metadata.name, observed.pods, now, generation);
  const status = { ...w.result.status, conditions: stuck.conditions };
  const { available, ready, coreNodesReady } = w.result;
  // While a role drifts, its sets are kept exactly as they are: no scale-down, no clean-up.
  const frozen = drifts.length > 0;
  const apiOk = api.state === "ok";
  const replicantsExist = hasReplicants(emqx);
  const useReplicants = replicantsExist && (status.replicantNodesStatus?.readyReplicas ?? 0) > 0;
  const apply: KubernetesObject[] = [
    buildHeadlessService(emqx),
    buildConfigMap(emqx),
    ...[w.core.apply, w.replicant.apply, buildCorePdb(emqx), buildReplicantPdb(emqx)].filter(defined),
    ...(apiOk && coreNodesReady ? exposedServices(emqx, api.liveConfig, useReplicants) : []),
  ];

  const updateUids = uids(w.coreSets.update, w.replicantSets.update);
  const retiring = [w.coreSets, w.replicantSets].map((r) => (r.current !== r.update ? r.current : undefined));
  const podConditions = planPodConditions({
    name: emqx.metadata.name,
    pods: observed.pods,
    api,
    status,
    updateUids,
    retiringUids: uids(...retiring),
    available,
    now,
  });

  const availableSince = toMillis(
    findCondition(status.conditions ?? [], ConditionType.Available)?.lastTransitionTime,
  );
  const down: ScaleDownResult =
    apiOk && available && availableSince !== undefined && !frozen
      ? planScaleDown({
          emqx,
          observed,
          status,
          availableSince,
          now: toMillis(input.now) ?? 0,
          core: w.coreSets,
          replicant: w.replicantSets,
          replicantsExist,
        })
      : { events: [] };

  const deletes =
    ready && !frozen
      ? planCleanup({
          namespace: emqx.metadata.namespace ?? "default",
          limit: emqx.spec.revisionHistoryLimit,
          statefulSets: observed.statefulSets,
          replicaSets: observed.replicaSets,
          keep: uids(w.coreSets.update, w.coreSets.current, w.replicantSets.update, w.replicantSets.current),
          claims: observed.persistentVolumeClaims,
        })
      : [];
  const deleteEvents: PlannedEvent[] = deletes
    .filter((d) => d.kind !== "PersistentVolumeClaim")
    .map((d) => ({
      type: "Normal",
      reason: EventReason.Deleted,
      message: `Deleted retired ${d.kind} ${d.name}`,
    }));

  const config = planConfig(emqx, coreNodesReady, apiOk);
  const poll = emqxPoll({
    api,
    ready,
    available,
    replicantsExist,
    status,
    pods: observed.pods,
    updateUids,
    podConditions,
  });
  const requeueAfterSeconds = soonest(down.waitSeconds, apiRetry(api), poll, drift.requeueAfterSeconds);
  return {
    create,
    apply,
    delete: deletes,
    scale: down.scale ? [down.scale] : [],
    podConditions,
    podAnnotations: down.podAnnotation ? [down.podAnnotation] : [],
    ...(down.evacuation ? { evacuation: down.evacuation } : {}),
    ...(config.configPush ? { configPush: config.configPush } : {}),
    ...(config.crAnnotations ? { crAnnotations: config.crAnnotations } : {}),
    status,
    statusChanged: statusDiffers(input.emqx.status, status),
    events: [
      ...setEvents(w),
      ...drift.events,
      ...stuck.events,
      ...transitionEvents(prior, status),
      ...down.events,
      ...deleteEvents,
      ...config.events,
    ],
    ...(requeueAfterSeconds !== undefined ? { requeueAfterSeconds } : {}),
  };
}
