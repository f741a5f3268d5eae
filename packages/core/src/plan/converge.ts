/**
 * One pass over a valid CR, the operator's sub-reconcilers expressed as one declarative result: the sets and their
 * status first, then what to apply, the blue-green scale-down, the clean-up of old revisions, the config push and
 * when to look again. Each step reads the same {@link ConvergeInput} and what the steps before it decided.
 */
import { ConditionType, type Emqx, type EmqxStatus, EventReason } from "@emqx-reconciler/api";
import type { KubernetesObject } from "@kubernetes/client-node";
import { buildConfigMap } from "../children/configMap.ts";
import { buildCorePdb, buildReplicantPdb, hasReplicants } from "../children/pdbs.ts";
import { buildHeadlessService } from "../children/services.ts";
import { findCondition } from "../status/conditions.ts";
import { planPodsNotReady } from "../status/podsNotReady.ts";
import { coreReadyWithin } from "../status/staleness.ts";
import { formatTime, toMillis } from "../status/time.ts";
import { planCleanup } from "./cleanup.ts";
import { planConfig } from "./config.ts";
import { type DriftOutcome, planDrift } from "./drift.ts";
import { exposedServices } from "./exposedServices.ts";
import { planPodConditions } from "./podConditions.ts";
import { API_JUST_STARTED_SECONDS, apiRetry, emqxPoll, soonest } from "./requeue.ts";
import { planScaleDown, type ScaleDownResult } from "./scaleDown.ts";
import { statusAwaitsPending } from "./statusDefer.ts";
import { statusDiffers } from "./statusDiff.ts";
import type { DeleteRef, EmqxView, Observed, Plan, PlannedEvent, PodConditionChange } from "./types.ts";
import { planWorkloads, type Workloads } from "./workloads.ts";

/** What one converging pass works from: the validated CR, what was read, and the pass's clock. */
export interface ConvergeInput {
  /** The CR after validation, defaults applied. */
  readonly emqx: Emqx;
  readonly observed: Observed;
  readonly api: EmqxView;
  /** The status as stored on the CR, unparsed: the plan writes a status only when its own differs. */
  readonly storedStatus: unknown;
  /** The stored status parsed, the start of every status decision. */
  readonly prior: EmqxStatus;
  /** The Secrets to create, from `planSecrets`. */
  readonly create: KubernetesObject[];
  /** The pass's clock, in milliseconds since the epoch. */
  readonly nowMs: number;
}

/** The sets, the status and the drift verdict every later step builds on. */
interface Shaped {
  readonly w: Workloads;
  readonly status: EmqxStatus;
  readonly drift: DriftOutcome;
  /** Warning events about stuck pods (`PodsNotReady`). */
  readonly podEvents: PlannedEvent[];
  /** A role drifts: its sets are kept exactly as they are, so no scale-down and no clean-up. */
  readonly frozen: boolean;
  readonly apiOk: boolean;
  readonly replicantsExist: boolean;
}

function defined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

function uids(...sets: Array<{ metadata?: { uid?: string } } | undefined>): Set<string> {
  return new Set(sets.flatMap((s) => (s?.metadata?.uid ? [s.metadata.uid] : [])));
}

/** The sets of both roles, the status they give, and the `TemplateDrift` circuit breaker over them. */
function shape(input: ConvergeInput, now: string): Shaped {
  const { emqx, observed, api, prior } = input;
  const w = planWorkloads(emqx, observed, api, prior, now);
  const drifts = [w.core.drift, w.replicant.drift].filter(defined);
  const drift = planDrift(w.result.status.conditions ?? [], drifts, now, emqx.metadata.generation);
  const generation = emqx.metadata.generation;
  const stuck = planPodsNotReady(drift.conditions, emqx.metadata.name, observed.pods, now, generation);
  const status = { ...w.result.status, conditions: stuck.conditions };
  const apiOk = api.state === "ok";
  const replicantsExist = hasReplicants(emqx);
  return { w, status, drift, podEvents: stuck.events, frozen: drifts.length > 0, apiOk, replicantsExist };
}

/** The objects to apply: Services, ConfigMap, sets and PDBs; the exposed Services once core nodes are ready. */
function applies(input: ConvergeInput, s: Shaped): KubernetesObject[] {
  const { emqx, api } = input;
  const useReplicants = s.replicantsExist && (s.status.replicantNodesStatus?.readyReplicas ?? 0) > 0;
  const exposed =
    api.state === "ok" && s.w.result.coreNodesReady
      ? exposedServices(emqx, api.liveConfig, useReplicants)
      : [];
  return [
    buildHeadlessService(emqx),
    buildConfigMap(emqx),
    ...[s.w.core.apply, s.w.replicant.apply, buildCorePdb(emqx), buildReplicantPdb(emqx)].filter(defined),
    ...exposed,
  ];
}

/** The `on-serving` gates: update-set pods in service once available, retiring ones out before they go. */
function podGates(input: ConvergeInput, s: Shaped, now: string): PodConditionChange[] {
  const { w } = s;
  const retiring = [w.coreSets, w.replicantSets].map((r) => (r.current !== r.update ? r.current : undefined));
  return planPodConditions({
    name: input.emqx.metadata.name,
    pods: input.observed.pods,
    api: input.api,
    status: s.status,
    updateUids: uids(w.coreSets.update, w.replicantSets.update),
    retiringUids: uids(...retiring),
    available: w.result.available,
    now,
  });
}

/** One blue-green scale-down step, only while the cluster has been `Available` and the API answers. */
function scaleDown(input: ConvergeInput, s: Shaped): ScaleDownResult {
  const availableSince = toMillis(
    findCondition(s.status.conditions ?? [], ConditionType.Available)?.lastTransitionTime,
  );
  if (!s.apiOk || !s.w.result.available || availableSince === undefined || s.frozen) return { events: [] };
  return planScaleDown({
    emqx: input.emqx,
    observed: input.observed,
    status: s.status,
    availableSince,
    now: input.nowMs,
    core: s.w.coreSets,
    replicant: s.w.replicantSets,
    replicantsExist: s.replicantsExist,
  });
}

/** Retired sets beyond `revisionHistoryLimit` (and their claims) once `Ready`, with one event per set. */
function cleanup(input: ConvergeInput, s: Shaped): { deletes: DeleteRef[]; events: PlannedEvent[] } {
  const { emqx, observed } = input;
  const { coreSets, replicantSets } = s.w;
  if (!s.w.result.ready || s.frozen) return { deletes: [], events: [] };
  const deletes = planCleanup({
    namespace: emqx.metadata.namespace ?? "default",
    limit: emqx.spec.revisionHistoryLimit,
    statefulSets: observed.statefulSets,
    replicaSets: observed.replicaSets,
    keep: uids(coreSets.update, coreSets.current, replicantSets.update, replicantSets.current),
    claims: observed.persistentVolumeClaims,
  });
  const events: PlannedEvent[] = deletes
    .filter((d) => d.kind !== "PersistentVolumeClaim")
    .map((d) => ({
      type: "Normal",
      reason: EventReason.Deleted,
      message: `Deleted retired ${d.kind} ${d.name}`,
    }));
  return { deletes, events };
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

/** The soonest of every step's "look again in n seconds". */
function requeueAfter(
  input: ConvergeInput,
  s: Shaped,
  down: ScaleDownResult,
  podConditions: PodConditionChange[],
): number | undefined {
  const { api, observed } = input;
  const { available, ready } = s.w.result;
  const updateUids = uids(s.w.coreSets.update, s.w.replicantSets.update);
  const poll = emqxPoll({
    api,
    ready,
    available,
    replicantsExist: s.replicantsExist,
    status: s.status,
    pods: observed.pods,
    updateUids,
    podConditions,
  });
  const { starting } = s.w.result;
  const justStarted = starting && coreReadyWithin(observed.pods, input.nowMs, API_JUST_STARTED_SECONDS);
  return soonest(down.waitSeconds, apiRetry(api, starting, justStarted), poll, s.drift.requeueAfterSeconds);
}

/**
 * The plan for a valid CR whose Secrets can be made.
 *
 * @example planConverge({ emqx, observed, api, storedStatus: raw.status, prior, create, nowMs: Date.now() })
 */
export function planConverge(input: ConvergeInput): Plan {
  const now = formatTime(new Date(input.nowMs));
  const s = shape(input, now);
  const podConditions = podGates(input, s, now);
  const down = scaleDown(input, s);
  const removed = cleanup(input, s);
  const config = planConfig(input.emqx, s.w.result.coreNodesReady, s.apiOk);
  const requeueAfterSeconds = requeueAfter(input, s, down, podConditions);
  const setEvents = [s.w.core.event, s.w.replicant.event].filter(defined);
  return {
    create: input.create,
    apply: applies(input, s),
    delete: removed.deletes,
    scale: down.scale ? [down.scale] : [],
    podConditions,
    podAnnotations: down.podAnnotation ? [down.podAnnotation] : [],
    ...(down.evacuation ? { evacuation: down.evacuation } : {}),
    ...(config.configPush ? { configPush: config.configPush } : {}),
    ...(config.crAnnotations ? { crAnnotations: config.crAnnotations } : {}),
    status: s.status,
    statusChanged:
      statusDiffers(input.storedStatus, s.status) &&
      !statusAwaitsPending(input.storedStatus, s.status, {
        gates: podConditions,
        pods: input.observed.pods,
        sets: [...input.observed.statefulSets, ...input.observed.replicaSets],
      }),
    events: [
      ...setEvents,
      ...s.drift.events,
      ...s.podEvents,
      ...transitionEvents(input.prior, s.status),
      ...down.events,
      ...removed.events,
      ...config.events,
    ],
    ...(requeueAfterSeconds !== undefined ? { requeueAfterSeconds } : {}),
  };
}
