/**
 * `NodeStatusStale`: the EMQX API could not be read, so `coreNodes` / `replicantNodes` are the last good ones.
 *
 * The operator blanked the node lists on an API failure, which flipped every pod's readiness gate and took a whole
 * cluster out of its Services (emqx-operator #1025). We keep the lists and say why they may be old instead.
 */
import {
  ANNOTATION_DASHBOARD_CA_SECRET,
  type Condition,
  ConditionReason,
  ConditionType,
  DASHBOARD_CA_DEFAULT_KEY,
  LABEL_DB_ROLE,
} from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import type { EmqxView } from "../plan/types.ts";
import { removeConditions, setCondition } from "./conditions.ts";

/** How a user makes the https dashboard trusted, for the condition and its Warning event. */
const UNTRUSTED_FIX =
  `to fix: put the PEM CA that signed it in a Secret and set the annotation ${ANNOTATION_DASHBOARD_CA_SECRET} of the ` +
  `EMQX to that Secret's name, or name/key (key ${DASHBOARD_CA_DEFAULT_KEY} by default), or add ${DASHBOARD_CA_DEFAULT_KEY} to the Secret ` +
  "the certificate is mounted from; the certificate must name the dashboard Service (<name>-dashboard.<namespace>.svc) " +
  "or the pod IP";

/** How long after a core pod's containers turned ready a refused API counts as a cluster still starting. */
export const API_STARTING_WINDOW_SECONDS = 30;

/**
 * Whether the cluster is starting: no node list was ever read, and a core pod's containers turned ready less than
 * {@link API_STARTING_WINDOW_SECONDS} ago (a pod may report ready a moment before its API listener answers).
 */
export function clusterStarting(hasLastGoodNodes: boolean, pods: readonly V1Pod[], nowMs: number): boolean {
  return !hasLastGoodNodes && coreReadyWithin(pods, nowMs, API_STARTING_WINDOW_SECONDS);
}

/** Whether a core pod's containers turned ready less than `seconds` ago (`ContainersReady`, to the second). */
export function coreReadyWithin(pods: readonly V1Pod[], nowMs: number, seconds: number): boolean {
  return pods.some((pod) => {
    if (pod.metadata?.labels?.[LABEL_DB_ROLE] !== "core") return false;
    const ready = pod.status?.conditions?.find((c) => c.type === "ContainersReady" && c.status === "True");
    const since = ready?.lastTransitionTime ? new Date(ready.lastTransitionTime).getTime() : Number.NaN;
    return nowMs - since < seconds * 1000;
  });
}

/**
 * The condition to show for a failed read, or undefined when the lists are fresh (or there is nothing stale: no
 * ready core yet, or a starting cluster whose API refuses; see {@link clusterStarting}).
 */
export function staleness(
  api: EmqxView,
  hasLastGoodNodes: boolean,
  starting = false,
): { reason: ConditionReason; message: string } | undefined {
  const kept = "node lists are from the last successful read";
  if (api.state === "ok") return undefined;
  if (api.state === "error" && api.kind === "unavailable" && starting) return undefined;
  if (api.state === "unreachable-no-ready-core") {
    if (!hasLastGoodNodes) return undefined;
    return {
      reason: ConditionReason.ApiUnavailable,
      message: `No core pod is ready to answer the EMQX API; ${kept}`,
    };
  }
  if (api.kind === "unauthorized") {
    return {
      reason: ConditionReason.ApiUnauthorized,
      message: `The EMQX API rejected the emqx-operator-controller key (${api.message}); ${kept}`,
    };
  }
  if (api.kind === "untrusted-certificate") {
    return {
      reason: ConditionReason.ApiCertificateUntrusted,
      message: `The EMQX dashboard certificate is not trusted (${api.message}); ${UNTRUSTED_FIX}; ${kept}`,
    };
  }
  return {
    reason: ConditionReason.ApiUnavailable,
    message: `The EMQX API failed (${api.kind}: ${api.message}); ${kept}`,
  };
}

/**
 * Sets or removes `NodeStatusStale` for this pass's API view. While the API stays `ApiUnavailable`, the message
 * keeps the first failure of the streak: which endpoint refused or timed out varies from pass to pass, and a
 * status rewritten (with an audit Event) for each variant would say nothing new.
 */
export function applyStaleness(
  conditions: readonly Condition[],
  api: EmqxView,
  hasLastGoodNodes: boolean,
  now: string,
  generation: number | undefined,
  starting = false,
): Condition[] {
  const stale = staleness(api, hasLastGoodNodes, starting);
  if (!stale) return removeConditions(conditions, [ConditionType.NodeStatusStale]);
  const held = conditions.find((c) => c.type === ConditionType.NodeStatusStale && c.status === "True");
  const same = held?.reason === stale.reason && stale.reason === ConditionReason.ApiUnavailable;
  const message = same ? held.message : stale.message;
  return setCondition(
    conditions,
    { type: ConditionType.NodeStatusStale, ...stale, message },
    now,
    generation,
  );
}
