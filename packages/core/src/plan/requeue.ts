/**
 * When to run again without a hint. We are event-driven: every change of a set, pod, Service or the CR reaches us
 * as a hint, and the periodic resync catches anything missed. So, unlike the operator's blanket
 * 1 s requeue while not Ready (≈ 14 API requests per second per stuck CR), a pass asks to run again
 * only when it waits on something no watch reports:
 * - time: `initialDelaySeconds`, `waitTakeover` (the exact remaining seconds);
 * - the EMQX API: a node that has not joined yet, counts not yet matching, an evacuation in progress (a short
 *   poll), or a failed API read (a modest retry, 1 s while a cluster that never answered starts; slower for
 *   401, which is credential drift, not a blip);
 * - a referenced Secret that may appear (see `SECRET_REF_RETRY_SECONDS`).
 * A pass that waits on Kubernetes (pods starting, a set scaling) asks for nothing: the change itself is the hint.
 */
import { CONDITION_ON_SERVING, type EmqxStatus } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import { controllerUid } from "../status/nodes.ts";
import type { EmqxView, PodConditionChange } from "./types.ts";

/**
 * Poll while EMQX is expected to change state soon (a node joining, counts settling): every second, the operator's
 * cadence before Ready, since a ready pod whose node EMQX does not list yet waits on nothing a watch reports.
 */
export const API_POLL_SECONDS = 1;
/** Retry after the API failed (timeout, 5xx, garbage, no connection). */
export const API_RETRY_SECONDS = 5;
/** Retry after a 401: the key will not fix itself quickly, and hammering EMQX with it helps nobody. */
export const API_UNAUTHORIZED_RETRY_SECONDS = 60;
/**
 * Retry after the API of a starting cluster refused (see `clusterStarting`): a pod may report ready a moment
 * before its listener answers, and a pass that cannot read the nodes cannot open their gates either.
 */
export const API_STARTING_RETRY_SECONDS = 1;
/**
 * The retry while the first core pod's containers turned ready less than {@link API_JUST_STARTED_SECONDS} ago: its
 * listener usually answers within a few hundred milliseconds of that, and every pass of a new cluster waits on it
 * (the gates open only once the nodes are read). At most a dozen extra API calls per starting cluster.
 */
export const API_JUST_STARTED_RETRY_SECONDS = 0.25;
/** How long after a core pod's containers turned ready the quicker retry applies. */
export const API_JUST_STARTED_SECONDS = 3;
export { API_STARTING_WINDOW_SECONDS } from "../status/staleness.ts";

/** The smallest defined delay, or undefined. */
export function soonest(...delays: Array<number | undefined>): number | undefined {
  const defined = delays.filter((d): d is number => d !== undefined && d > 0);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}

/**
 * Retry delay after a failed API read: while a starting cluster's API refuses (`starting`, from the status
 * computation) 0.25 s in the first seconds after a core pod turned ready (`justStarted`), then 1 s; 60 s after a
 * 401, else 5 s (a timeout or an untrusted certificate is no sign of starting).
 */
export function apiRetry(api: EmqxView, starting: boolean, justStarted = false): number | undefined {
  if (api.state !== "error") return undefined;
  if (api.kind === "unauthorized") return API_UNAUTHORIZED_RETRY_SECONDS;
  if (api.kind !== "unavailable" || !starting) return API_RETRY_SECONDS;
  return justStarted ? API_JUST_STARTED_RETRY_SECONDS : API_STARTING_RETRY_SECONDS;
}

/** Inputs of {@link emqxPoll}. */
export interface EmqxPollInput {
  api: EmqxView;
  ready: boolean;
  available: boolean;
  replicantsExist: boolean;
  status: EmqxStatus;
  pods: readonly V1Pod[];
  updateUids: ReadonlySet<string>;
  podConditions: readonly PodConditionChange[];
}

function gateAfter(pod: V1Pod, changes: readonly PodConditionChange[]): string | undefined {
  const change = changes.find((c) => c.uid === pod.metadata?.uid);
  return change?.status ?? pod.status?.conditions?.find((c) => c.type === CONDITION_ON_SERVING)?.status;
}

function countsPending(s: EmqxStatus["coreNodesStatus"]): boolean {
  return (
    s !== undefined && s.updateRevision === s.currentRevision && (s.readyReplicas ?? 0) !== (s.replicas ?? 0)
  );
}

/** A short poll when progress now depends only on what the EMQX API will say next. */
export function emqxPoll(input: EmqxPollInput): number | undefined {
  if (input.api.state !== "ok" || input.ready) return undefined;
  const joining = input.pods.some(
    (pod) =>
      input.updateUids.has(controllerUid(pod) ?? "") &&
      pod.metadata?.deletionTimestamp === undefined &&
      pod.status?.conditions?.some((c) => c.type === "ContainersReady" && c.status === "True") &&
      gateAfter(pod, input.podConditions) !== "True",
  );
  const settling =
    input.available &&
    (countsPending(input.status.coreNodesStatus) ||
      (input.replicantsExist && countsPending(input.status.replicantNodesStatus)));
  return joining || settling ? API_POLL_SECONDS : undefined;
}
