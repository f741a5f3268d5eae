/**
 * Matching the EMQX API's nodes to this CR's pods, and the node counts of `…NodesStatus`.
 */
import { type EmqxNode, LABEL_DB_ROLE, type Role } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import type { ApiNode } from "../plan/types.ts";
import { omitEmpty } from "./omitEmpty.ts";

/** Host part of an Erlang node name: `emqx@10.0.0.7` → `10.0.0.7`. */
export function nodeHost(node: string): string {
  return node.slice(node.indexOf("@") + 1);
}

/** Whether the API reports the node running (case-insensitive: EMQX 5.0.0 wrote `Running`). */
export function isRunning(node: { node_status?: string | undefined }): boolean {
  return node.node_status?.toLowerCase() === "running";
}

/** The API role of a node; EMQX 5.0 stopped nodes have none, and only cores are ever reported stopped. */
function roleOf(node: ApiNode): Role {
  return node.role?.toLowerCase() === "replicant" ? "replicant" : "core";
}

/** UID of the pod's controlling owner (its StatefulSet or ReplicaSet). */
export function controllerUid(pod: V1Pod): string | undefined {
  return pod.metadata?.ownerReferences?.find((ref) => ref.controller)?.uid;
}

/**
 * The pod an API node runs in, or undefined when it is not one of ours.
 *
 * A core node's host is `<pod>.<name>-headless.<ns>.svc.<domain>`; we match the pod name followed by a dot. The
 * operator tested a bare prefix, so with 11 or more cores `…-1` also claimed `…-10`'s node, and we
 * never rebuild the domain part, so `clusterDomain` cannot be mistaken. A replicant's host is its pod IP, which a
 * new pod may get while the pod that had it is still terminating: a pod not being deleted wins.
 */
export function podOfNode(node: ApiNode, pods: readonly V1Pod[]): V1Pod | undefined {
  const host = nodeHost(node.node);
  const role = roleOf(node);
  let terminating: V1Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata?.labels?.[LABEL_DB_ROLE] !== role) continue;
    const matches =
      role === "core"
        ? host.startsWith(`${pod.metadata?.name}.`)
        : pod.status?.podIP === host || (pod.status?.podIPs ?? []).some((ip) => ip.ip === host);
    if (!matches) continue;
    if (pod.metadata?.deletionTimestamp === undefined) return pod;
    terminating ??= pod;
  }
  return terminating;
}

function toEntry(node: ApiNode, pod: V1Pod, controller: string): EmqxNode {
  // Every EMQXNode field is `omitempty` in the operator, so "" and 0 (e.g. no sessions yet) are left out too.
  return omitEmpty({
    name: node.node,
    node: node.node,
    node_status: node.node_status,
    otp_release: node.otp_release,
    version: node.version,
    role: node.role,
    edition: node.edition,
    controllerUID: controller,
    podUID: pod.metadata?.uid,
    connections: node.connections,
    live_connections: node.live_connections,
  });
}

/**
 * The `coreNodes` / `replicantNodes` entries: API nodes whose pod is ours and has a controller, with `name` and
 * `node` both set, in the API's order, as the operator lists them (its sort by uptime is a
 * no-op).
 *
 * @example matchNodes(api.nodes, observed.pods).core.map((n) => n.name)
 */
export function matchNodes(nodes: readonly ApiNode[], pods: readonly V1Pod[]): Record<Role, EmqxNode[]> {
  const out: Record<Role, EmqxNode[]> = { core: [], replicant: [] };
  for (const node of nodes) {
    const pod = podOfNode(node, pods);
    const controller = pod && controllerUid(pod);
    if (!pod || !controller) continue;
    out[roleOf(node)].push(toEntry(node, pod, controller));
  }
  return out;
}

/** `readyReplicas` (running, every set), `updateReplicas` and `currentReplicas` (by owning set, any state). */
export function countNodes(
  nodes: readonly EmqxNode[],
  updateUid: string | undefined,
  currentUid: string | undefined,
): { readyReplicas: number; updateReplicas: number; currentReplicas: number } {
  return {
    readyReplicas: nodes.filter(isRunning).length,
    updateReplicas: updateUid ? nodes.filter((n) => n.controllerUID === updateUid).length : 0,
    currentReplicas: currentUid ? nodes.filter((n) => n.controllerUID === currentUid).length : 0,
  };
}
