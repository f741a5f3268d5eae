/**
 * Blue-green scale-down of the retiring sets, one pod per pass (the operator's syncPods): ReplicaSets
 * first, then StatefulSets, each after `initialDelaySeconds` of `Available`, with Enterprise evacuation and the
 * `waitTakeover` pause between deletions.
 */
import {
  ANNOTATION_POD_DELETION_COST,
  type Emqx,
  type EmqxNode,
  type EmqxStatus,
  EventReason,
} from "@emqx-reconciler/api";
import type { V1Pod, V1ReplicaSet, V1StatefulSet } from "@kubernetes/client-node";
import { compareText } from "../compareText.ts";
import { controllerUid, isRunning } from "../status/nodes.ts";
import type { WorkloadSet } from "../status/revisions.ts";
import { toMillis } from "../status/time.ts";
import type { EvacuationStart, Observed, PlannedEvent, PodAnnotationChange, ScaleStep } from "./types.ts";

/** How often to look again while EMQX evacuates a node (its progress is not watchable). */
export const EVACUATION_POLL_SECONDS = 5;
/** The operator's deletion cost: the ReplicaSet removes the cheapest pod first. */
const DELETION_COST = "-99999";

/** Inputs of {@link planScaleDown}; the API view is known to be fresh and `Available` true. */
export interface ScaleDownInput {
  emqx: Emqx;
  observed: Observed;
  status: EmqxStatus;
  /** When `Available` became true (ms), the start of `initialDelaySeconds`. */
  availableSince: number;
  now: number;
  core: { update?: V1StatefulSet; current?: V1StatefulSet };
  replicant: { update?: V1ReplicaSet; current?: V1ReplicaSet };
  replicantsExist: boolean;
}

/** At most one step: annotate + scale, or start an evacuation, or wait (and for how long, when time decides). */
export interface ScaleDownResult {
  scale?: ScaleStep;
  podAnnotation?: PodAnnotationChange;
  evacuation?: EvacuationStart;
  events: PlannedEvent[];
  waitSeconds?: number;
}

const WAIT: ScaleDownResult = { events: [] };

function waitFor(ms: number): ScaleDownResult {
  return { events: [], waitSeconds: Math.max(1, Math.ceil(ms / 1000)) };
}

function isTerminating(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined;
}

function podsOf(observed: Observed, set: WorkloadSet): V1Pod[] {
  return observed.pods.filter((p) => controllerUid(p) === set.metadata?.uid);
}

function nodeOf(status: EmqxStatus, pod: V1Pod): EmqxNode | undefined {
  const uid = pod.metadata?.uid;
  return [...(status.coreNodes ?? []), ...(status.replicantNodes ?? [])].find((n) => n.podUID === uid);
}

/** Milliseconds still to wait since the old set's newest `SuccessfulDelete` before the next deletion. */
function takeoverLeft(input: ScaleDownInput, set: WorkloadSet): number {
  const waitTakeover = input.emqx.spec.updateStrategy.evacuationStrategy?.waitTakeover ?? 0;
  const times = input.observed.deleteEvents
    .filter((e) => e.setName === set.metadata?.name)
    .map((e) => toMillis(e.at) ?? 0);
  if (times.length === 0) return 0;
  return Math.max(0, Math.max(...times) + waitTakeover * 1000 - input.now);
}

function evacuate(input: ScaleDownInput, node: EmqxNode, migrateTo: EmqxNode[]): ScaleDownResult {
  const strategy = input.emqx.spec.updateStrategy.evacuationStrategy;
  const waitTakeover = strategy?.waitTakeover ?? 0;
  const evacuation: EvacuationStart = {
    node: node.node,
    conn_evict_rate: strategy?.connEvictRate ?? 1000,
    sess_evict_rate: strategy?.sessEvictRate ?? 1000,
    migrate_to: migrateTo.filter(isRunning).map((n) => n.node),
    ...(waitTakeover > 0 ? { wait_takeover: waitTakeover } : {}),
  };
  const event = {
    type: "Normal" as const,
    reason: EventReason.NodeEvacuation,
    message: `Node ${node.node} is being evacuated`,
  };
  return { evacuation, events: [event], waitSeconds: EVACUATION_POLL_SECONDS };
}

/** Removes `victim` now (after the waitTakeover pause unless `immediate`): annotate it, then decrement its set. */
function remove(
  input: ScaleDownInput,
  kind: ScaleStep["kind"],
  set: WorkloadSet,
  victim: V1Pod,
  immediate: boolean,
): ScaleDownResult {
  const left = immediate ? 0 : takeoverLeft(input, set);
  if (left > 0) return waitFor(left);
  const from = set.spec?.replicas ?? 0;
  const replicas = Math.max(0, from - 1);
  const scale: ScaleStep = {
    kind,
    name: set.metadata?.name ?? "",
    uid: set.metadata?.uid ?? "",
    resourceVersion: set.metadata?.resourceVersion ?? "",
    replicas,
  };
  const annotated = victim.metadata?.annotations?.[ANNOTATION_POD_DELETION_COST] === DELETION_COST;
  const podAnnotation =
    kind === "ReplicaSet" && !annotated
      ? {
          pod: victim.metadata?.name ?? "",
          uid: victim.metadata?.uid ?? "",
          annotations: { [ANNOTATION_POD_DELETION_COST]: DELETION_COST },
        }
      : undefined;
  const message = `Scaled down old ${kind} ${scale.name} from ${from} to ${replicas} (retiring pod ${victim.metadata?.name})`;
  return { scale, podAnnotation, events: [{ type: "Normal", reason: EventReason.Scaled, message }] };
}

/** An evacuation in progress blocks every step until EMQX reports it `prohibiting` (done). */
function evacuationGate(status: EmqxStatus): { blocked: boolean; done?: string } {
  const first = status.nodeEvacuationsStatus?.[0];
  if (!first) return { blocked: false };
  return first.state === "prohibiting" ? { blocked: false, done: first.node } : { blocked: true };
}

/** One victim of the retiring ReplicaSet. */
function stepReplicaSet(input: ScaleDownInput, old: V1ReplicaSet, update: V1ReplicaSet): ScaleDownResult {
  const pods = podsOf(input.observed, old);
  const live = pods.filter((p) => !isTerminating(p));
  // A previous step is still in flight (a pod terminating, or the decrement not yet acted on): never decrement
  // twice for one pod (the operator did).
  if (live.length === 0 || live.length < pods.length || (old.spec?.replicas ?? 0) < live.length) return WAIT;
  const gate = evacuationGate(input.status);
  if (gate.blocked) return { events: [], waitSeconds: EVACUATION_POLL_SECONDS };
  const evacuated = gate.done && live.find((p) => nodeOf(input.status, p)?.node === gate.done);
  if (evacuated) return remove(input, "ReplicaSet", old, evacuated, true);
  const byNameDesc = [...live].sort((a, b) => compareText(b.metadata?.name ?? "", a.metadata?.name ?? ""));
  const victim =
    live.find((p) => p.metadata?.annotations?.[ANNOTATION_POD_DELETION_COST] === DELETION_COST) ??
    byNameDesc[0];
  if (!victim) return WAIT;
  const node = nodeOf(input.status, victim);
  if (!node || !isRunning(node)) return remove(input, "ReplicaSet", old, victim, true);
  if (node.edition === "Enterprise" && (node.connections ?? 0) > 0) {
    const targets = podsOf(input.observed, update).flatMap((p) => nodeOf(input.status, p) ?? []);
    return evacuate(input, node, targets);
  }
  return remove(input, "ReplicaSet", old, victim, false);
}

/** One victim of the retiring StatefulSet: its highest ordinal. */
function stepStatefulSet(input: ScaleDownInput, old: V1StatefulSet): ScaleDownResult {
  const gate = evacuationGate(input.status);
  if (gate.blocked) return { events: [], waitSeconds: EVACUATION_POLL_SECONDS };
  const specReplicas = old.spec?.replicas ?? 0;
  const podCount = old.status?.replicas ?? 0;
  const seen = (old.status?.observedGeneration ?? 0) >= (old.metadata?.generation ?? 0);
  // No pods left (#1130: never go below 0), or the last decrement not yet acted on (never twice).
  if (podCount === 0 || specReplicas === 0 || !seen || podCount > specReplicas) return WAIT;
  const victimName = `${old.metadata?.name}-${specReplicas - 1}`;
  const victim = podsOf(input.observed, old).find((p) => p.metadata?.name === victimName);
  if (!victim || isTerminating(victim)) return WAIT;
  const node = nodeOf(input.status, victim);
  if (!node || !isRunning(node) || node.node === gate.done)
    return remove(input, "StatefulSet", old, victim, true);
  if (node.edition === "Enterprise" && (node.connections ?? 0) > 0) {
    const update = input.replicantsExist ? input.replicant.update : input.core.update;
    const targets = update
      ? podsOf(input.observed, update).flatMap((p) => nodeOf(input.status, p) ?? [])
      : [];
    return evacuate(input, node, targets);
  }
  return remove(input, "StatefulSet", old, victim, false);
}

/**
 * The next blue-green step. ReplicaSets retire before StatefulSets, and a StatefulSet only once the replicant
 * revisions have converged; nothing starts before `initialDelaySeconds` of `Available`.
 */
export function planScaleDown(input: ScaleDownInput): ScaleDownResult {
  const rs = input.replicant;
  const sts = input.core;
  const rsRetiring = rs.current !== undefined && rs.update !== undefined && rs.current !== rs.update;
  const stsRetiring = sts.current !== undefined && sts.update !== undefined && sts.current !== sts.update;
  if (!rsRetiring && !stsRetiring) return WAIT;
  const delay = (input.emqx.spec.updateStrategy.initialDelaySeconds ?? 0) * 1000;
  const elapsed = input.now - input.availableSince;
  if (elapsed <= delay) return waitFor(delay - elapsed + 1);
  if (rsRetiring && rs.current && rs.update) return stepReplicaSet(input, rs.current, rs.update);
  const replicantRevisions = input.status.replicantNodesStatus;
  if (input.replicantsExist && replicantRevisions?.currentRevision !== replicantRevisions?.updateRevision)
    return WAIT;
  return sts.current ? stepStatefulSet(input, sts.current) : WAIT;
}
