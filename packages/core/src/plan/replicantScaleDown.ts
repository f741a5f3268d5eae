/**
 * Replicant scale-down that chooses who leaves, instead of letting the ReplicaSet pick:
 * 1. the pods to remove are chosen and marked: `pod-deletion-cost` lowest and `apps.emqx.io/leaving-since`, with
 *    the ReplicaSet held at its size (see {@link chooseLeaving} for the rule);
 * 2. on EMQX Enterprise, each marked pod's node is evacuated (one start per pass) until it holds no session, or
 *    until {@link LEAVING_EVACUATION_BOUND_SECONDS} after it was marked;
 * 3. then the ReplicaSet's replicas are lowered, and it removes exactly the marked pods (the cheapest).
 * Open-source builds have no evacuation API: the marked pods leave at once, their clients reconnect elsewhere.
 */
import {
  ANNOTATION_LEAVING_SINCE,
  ANNOTATION_POD_DELETION_COST,
  type Emqx,
  type EmqxNode,
  EventReason,
} from "@emqx-reconciler/api";
import type { V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { compareText } from "../compareText.ts";
import { controllerUid, isRunning } from "../status/nodes.ts";
import { formatTime, millisOf, toMillis } from "../status/time.ts";
import { EVACUATION_POLL_SECONDS } from "./scaleDown.ts";
import type { EvacuationStart, Plan, PlanInput, PlannedEvent, PodAnnotationChange } from "./types.ts";

/** The deletion cost of a leaving pod: below any a user would set, so the ReplicaSet removes it first. */
export const LEAVING_DELETION_COST = "-99999";
/** When to look again after marking the leaving pods. */
const MARKED_POLL_SECONDS = 1;
/** How long the scale-down waits for a leaving node's sessions to be evacuated before removing it anyway. */
export const LEAVING_EVACUATION_BOUND_SECONDS = 600;

function isLive(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp === undefined;
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

function isMarked(pod: V1Pod): boolean {
  return pod.metadata?.annotations?.[ANNOTATION_LEAVING_SINCE] !== undefined;
}

function nodeOf(nodes: readonly EmqxNode[], pod: V1Pod): EmqxNode | undefined {
  return nodes.find((n) => n.podUID === pod.metadata?.uid);
}

/**
 * The `count` pods to remove, in this order: pods already marked (the choice stays made), then pods that are not
 * Ready, then the fewest connections (sessions EMQX reports; unknown counts as 0), then the newest, then the
 * highest name (so the choice is deterministic).
 */
export function chooseLeaving(pods: readonly V1Pod[], nodes: readonly EmqxNode[], count: number): V1Pod[] {
  const rank = (p: V1Pod) => [
    isMarked(p) ? 0 : 1,
    isReady(p) ? 1 : 0,
    nodeOf(nodes, p)?.connections ?? 0,
    -(toMillis(p.metadata?.creationTimestamp) ?? 0),
  ];
  const sorted = [...pods].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i++) {
      const d = (ra[i] ?? 0) - (rb[i] ?? 0);
      if (d !== 0) return d;
    }
    return compareText(b.metadata?.name ?? "", a.metadata?.name ?? "");
  });
  return sorted.slice(0, Math.max(0, count));
}

/** Whether the leaving pod's node still needs evacuating: Enterprise, running, holding sessions, within the bound. */
function needsEvacuation(pod: V1Pod, node: EmqxNode | undefined, now: number): boolean {
  if (node?.edition !== "Enterprise" || !isRunning(node)) return false;
  if ((node.connections ?? 0) === 0) return false;
  const since = toMillis(pod.metadata?.annotations?.[ANNOTATION_LEAVING_SINCE]) ?? now;
  return now - since < LEAVING_EVACUATION_BOUND_SECONDS * 1000;
}

function hold(p: Plan, index: number, set: V1ReplicaSet, replicas: number): Plan["apply"] {
  const held = { ...set, spec: { ...set.spec, replicas } } as V1ReplicaSet;
  return p.apply.map((o, i) => (i === index ? (held as (typeof p.apply)[number]) : o));
}

function mark(pod: V1Pod, now: string): PodAnnotationChange {
  return {
    pod: pod.metadata?.name ?? "",
    uid: pod.metadata?.uid ?? "",
    annotations: { [ANNOTATION_POD_DELETION_COST]: LEAVING_DELETION_COST, [ANNOTATION_LEAVING_SINCE]: now },
  };
}

function evacuationOf(emqx: Emqx, node: EmqxNode, others: readonly EmqxNode[]): EvacuationStart {
  const strategy = emqx.spec.updateStrategy.evacuationStrategy;
  const migrateTo = others.filter(isRunning).map((n) => n.node);
  const waitTakeover = strategy?.waitTakeover ?? 0;
  return {
    node: node.node,
    conn_evict_rate: strategy?.connEvictRate ?? 1000,
    sess_evict_rate: strategy?.sessEvictRate ?? 1000,
    wait_health_check: 0,
    ...(migrateTo.length > 0 ? { migrate_to: migrateTo } : {}),
    ...(waitTakeover > 0 ? { wait_takeover: waitTakeover } : {}),
  };
}

/**
 * Adjusts a plan whose replicant ReplicaSet would lose pods: marks the pods to remove and holds the size, then
 * evacuates them (Enterprise), and lowers the size only once every leaving pod is marked and drained (or past the
 * bound). A pass that cannot read the EMQX API waits for it while a leaving Enterprise node may still hold
 * sessions (the bound still applies).
 */
export function planReplicantScaleDown(input: PlanInput, emqx: Emqx, p: Plan): Plan {
  const index = p.apply.findIndex((o) => o.kind === "ReplicaSet");
  const applied = p.apply[index] as V1ReplicaSet | undefined;
  const live = input.observed.replicaSets.find((s) => s.metadata?.name === applied?.metadata?.name);
  const desired = applied?.spec?.replicas;
  const current = live?.spec?.replicas;
  if (!applied || !live || desired === undefined || current === undefined || desired >= current) return p;
  const pods = input.observed.pods.filter((pod) => controllerUid(pod) === live.metadata?.uid && isLive(pod));
  const count = pods.length - desired;
  if (count <= 0) return p;
  const nowMs = millisOf(input.now);
  const now = formatTime(input.now);
  const nodes = p.status.replicantNodes ?? [];
  const leaving = chooseLeaving(pods, nodes, count);
  const names = leaving.map((pod) => pod.metadata?.name).join(", ");
  const unmarked = leaving.filter((pod) => !isMarked(pod));
  if (unmarked.length > 0) {
    const event: PlannedEvent = {
      type: "Normal",
      reason: EventReason.ReplicantsLeaving,
      message: `Replicants ${current} → ${desired}: ${names} leave (not ready first, then fewest connections, then newest)`,
    };
    return {
      ...p,
      apply: hold(p, index, applied, current),
      podAnnotations: [...p.podAnnotations, ...unmarked.map((pod) => mark(pod, now))],
      events: [...p.events, event],
      // A pod's annotations are no hint (the forwarder passes on pod state, not metadata): look again soon.
      requeueAfterSeconds: MARKED_POLL_SECONDS,
    };
  }
  const apiOk = input.api.state === "ok";
  const draining = leaving.filter((pod) => needsEvacuation(pod, nodeOf(nodes, pod), nowMs));
  if (draining.length === 0) return p;
  const evacuating = new Set(
    (input.api.state === "ok" ? (input.api.evacuations ?? []) : []).map((e) => e.node),
  );
  const next = draining.map((pod) => nodeOf(nodes, pod)).find((n) => n && !evacuating.has(n.node));
  const leavingUids = new Set(leaving.map((pod) => pod.metadata?.uid));
  const staying = nodes.filter((n) => !leavingUids.has(n.podUID) && isRunning(n));
  // Sessions go only to nodes that stay: with no replicant left (replicants → 0) the cores take the clients, never
  // another leaving replicant (the sessions would move between leaving nodes until the bound).
  const targets = staying.length > 0 ? staying : (p.status.coreNodes ?? []);
  const start = apiOk && next && !p.evacuation ? evacuationOf(emqx, next, targets) : undefined;
  const events: PlannedEvent[] = start
    ? [
        {
          type: "Normal",
          reason: EventReason.NodeEvacuation,
          message: `Node ${start.node} is being evacuated`,
        },
      ]
    : [];
  const requeue = Math.min(p.requeueAfterSeconds ?? EVACUATION_POLL_SECONDS, EVACUATION_POLL_SECONDS);
  return {
    ...p,
    apply: hold(p, index, applied, current),
    ...(start ? { evacuation: start } : {}),
    events: [...p.events, ...events],
    requeueAfterSeconds: requeue,
  };
}
