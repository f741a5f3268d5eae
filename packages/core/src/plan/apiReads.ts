/**
 * Which optional EMQX API reads the next `plan` needs, so the workflow asks `/api/v5/nodes` first and the rest
 * only when it matters (the operator made ≈ 15 API calls per cluster per 30 s).
 */
import { CONDITION_ON_SERVING, LABEL_DB_ROLE } from "@emqx-reconciler/api";
import { controllerUid, matchNodes } from "../status/nodes.ts";
import { parsePriorStatus } from "../status/prior.ts";
import { findSet } from "../status/revisions.ts";
import { toMillis } from "../status/time.ts";
import { hasAvailabilityCheck } from "./podConditions.ts";
import type { ApiNode, ApiReads, AvailabilityCheck, EmqxObject, Observed } from "./types.ts";

/**
 * - `liveConfig` once a core set has ready pods (the dashboard and listeners Services are built from it);
 * - `evacuations` when one of this CR's nodes is EMQX Enterprise (every 5.9+ build): the operator asked only
 *   then, and an open-source build answers 404 (#1202);
 * - `availabilityChecks` for ready update-set pods whose node is Enterprise ≥ 5.0.3.
 *
 * @example const reads = computeApiReads(cr, observed, await emqx.nodes());
 */
export function computeApiReads(emqx: EmqxObject, observed: Observed, nodes: readonly ApiNode[]): ApiReads {
  const matched = matchNodes(nodes, observed.pods);
  const all = [...matched.core, ...matched.replicant];
  const prior = parsePriorStatus(emqx.status);
  const updateUids = new Set(
    [
      findSet(observed.statefulSets, prior.coreNodesStatus?.updateRevision),
      findSet(observed.replicaSets, prior.replicantNodesStatus?.updateRevision),
    ].flatMap((s) => (s?.metadata?.uid ? [s.metadata.uid] : [])),
  );
  const availabilityChecks = observed.pods.flatMap((pod) => {
    const uid = pod.metadata?.uid;
    const podIP = pod.status?.podIP;
    const ready = pod.status?.conditions?.some((c) => c.type === "ContainersReady" && c.status === "True");
    if (!uid || !podIP || !ready || !updateUids.has(controllerUid(pod) ?? "")) return [];
    if (!hasAvailabilityCheck(all.find((n) => n.podUID === uid))) return [];
    const serving = pod.status?.conditions?.some(
      (c) => c.type === CONDITION_ON_SERVING && c.status === "True",
    );
    return [{ podUID: uid, podName: pod.metadata?.name ?? "", podIP, serving: serving === true }];
  });
  return {
    liveConfig: observed.statefulSets.some((s) => (s.status?.readyReplicas ?? 0) > 0),
    evacuations: all.some((n) => n.edition === "Enterprise"),
    availabilityChecks,
  };
}

/**
 * Whether this pass asks `check`'s pod for its `availability_check`. A pod whose on-serving gate is not True yet:
 * always (its answer opens the gate). A pod already serving: only while `global_status` (`busy`) lists an
 * evacuation, a rebalance or anything else running, or could not be read (`undefined`). `availability_check` says
 * no only while the node's eviction agent is on, and only a running evacuation or rebalance turns it on; with
 * none running, every serving node would answer yes, and `plan` keeps the gate of a running member True without
 * the answer. The operator asked every ready pod on every pass: 26 of the 45 EMQX API calls of the seed example.
 *
 * @example mustCheckAvailability({ podUID: "u", podName: "emqx-core-0", podIP: "10.0.0.1", serving: true }, false) // false
 */
export function mustCheckAvailability(check: AvailabilityCheck, busy: boolean | undefined): boolean {
  return !check.serving || busy !== false;
}

/**
 * The `busy` of {@link mustCheckAvailability}, from a `global_status` answer: true when any of its lists
 * (`evacuations`, `rebalances`, whatever else a version adds) is non-empty, undefined when it could not be read.
 *
 * @example globalStatusBusy({ status: "enabled", evacuations: [], rebalances: [] }) // false
 */
export function globalStatusBusy(status: object | undefined): boolean | undefined {
  return status && Object.values(status).some((v) => Array.isArray(v) && v.length > 0);
}

/**
 * Core pods that can answer the EMQX API, oldest first: not terminating, with an IP, containers
 * ready. The workflow may try them in turn (fail over) rather than pinning one pod (#1025); none means the view is
 * `unreachable-no-ready-core`.
 */
export function computeApiCandidates(
  observed: Pick<Observed, "pods">,
): Array<{ podName: string; podIP: string }> {
  return observed.pods
    .filter(
      (p) =>
        p.metadata?.labels?.[LABEL_DB_ROLE] === "core" &&
        p.metadata?.deletionTimestamp === undefined &&
        p.status?.podIP &&
        p.status?.conditions?.some((c) => c.type === "ContainersReady" && c.status === "True"),
    )
    .sort(
      (a, b) =>
        (toMillis(a.metadata?.creationTimestamp) ?? 0) - (toMillis(b.metadata?.creationTimestamp) ?? 0),
    )
    .map((p) => ({ podName: p.metadata?.name ?? "", podIP: p.status?.podIP ?? "" }));
}
