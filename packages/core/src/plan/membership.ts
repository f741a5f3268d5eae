/**
 * Core scale-down that keeps EMQX membership clean, the EMQX Operator 2.3's way and stricter:
 * - the core StatefulSet goes down one pod at a time, the next step only once no member of a removed ordinal is
 *   still listed by the EMQX API;
 * - a core whose pod is gone for good (its ordinal at or above its StatefulSet's replicas, or its StatefulSet
 *   gone) but which EMQX still lists as `stopped` is removed with `force_leave`, so no stopped member lingers
 *   (EMQX would keep it for 24 h);
 * - a scale-up never brings back an ordinal whose old member EMQX still lists: the StatefulSet waits at its
 *   current size until that member has been removed;
 * - while EMQX still lists such a member as running (its pod just went and EMQX has not noticed yet), the pass
 *   polls, so the `force_leave` follows as soon as EMQX reports it stopped (no hint would come for that).
 * A deliberate pause to zero cores is left as it is. Membership is known only from a successful read of the EMQX
 * API: without one, a core scale-down waits at the current size (the `NodeStatusStale` condition and its Warning
 * event say why, and `Ready` turns False after two minutes), scale-ups go ahead (the API cannot say no), and
 * stopped members are removed on the first pass that can read it.
 */
import { childNames, type Emqx } from "@emqx-reconciler/api";
import type { KubernetesObject, V1StatefulSet } from "@kubernetes/client-node";
import type { ApiNode, Observed, Plan, PlanInput } from "./types.ts";

/** Poll while a removed core member is being forgotten by EMQX. */
export const MEMBERSHIP_POLL_SECONDS = 2;

interface CoreMember {
  node: string;
  status: string;
  set: string;
  ordinal: number;
}

/** The core members of this CR's core sets that the API lists, with their set and ordinal. */
function coreMembers(emqx: Emqx, nodes: readonly ApiNode[]): CoreMember[] {
  const prefix = `${emqx.metadata.name}-core-`;
  const headless = `.${childNames(emqx.metadata.name).headless}.`;
  return nodes.flatMap((n) => {
    const host = n.node.split("@")[1] ?? "";
    if (!host.includes(headless)) return [];
    const pod = host.split(".")[0] ?? "";
    const match = /^(.*)-(\d+)$/.exec(pod);
    if (!match?.[1]?.startsWith(prefix)) return [];
    return [{ node: n.node, status: n.node_status.toLowerCase(), set: match[1], ordinal: Number(match[2]) }];
  });
}

function liveReplicas(observed: Observed, set: string): number | undefined {
  return observed.statefulSets.find((s) => s.metadata?.name === set)?.spec?.replicas;
}

/**
 * Members whose pod is gone for good, stopped or not yet. The current set at 0 replicas is a deliberate pause (the
 * `allow-zero-cores` annotation): its members come back with their data, so they stay.
 */
function goneForGood(
  members: readonly CoreMember[],
  observed: Observed,
  paused: string | undefined,
): CoreMember[] {
  const pods = new Set(observed.pods.map((p) => p.metadata?.name));
  return members
    .filter((m) => !pods.has(`${m.set}-${m.ordinal}`) && m.set !== paused)
    .filter((m) => {
      const replicas = liveReplicas(observed, m.set);
      return replicas === undefined || m.ordinal >= replicas;
    });
}

/** The replicas the core StatefulSet may have this pass, given the live size and the listed members. */
function allowedReplicas(
  desired: number,
  current: number,
  set: string,
  members: readonly CoreMember[],
  apiOk: boolean,
) {
  const listedAbove = (from: number) => members.some((m) => m.set === set && m.ordinal >= from);
  if (desired < current) return !apiOk || listedAbove(current) ? current : current - 1;
  if (desired > current && listedAbove(current)) return current;
  return desired;
}

/**
 * Adjusts a plan for EMQX membership: the core StatefulSet's `replicas` limited as above, and `forceLeave` for
 * the departed stopped cores; asks for a short poll while it holds a step back or a departed core is still listed
 * as running.
 */
export function planMembership(input: PlanInput, emqx: Emqx, p: Plan): Plan {
  const index = p.apply.findIndex((o) => o.kind === "StatefulSet");
  const applied = p.apply[index] as V1StatefulSet | undefined;
  const name = applied?.metadata?.name ?? "";
  const current = liveReplicas(input.observed, name);
  const desired = applied?.spec?.replicas;
  const paused = desired === 0 ? name : undefined;
  const members = input.api.state === "ok" ? coreMembers(emqx, input.api.nodes) : [];
  const gone = goneForGood(members, input.observed, paused);
  const forceLeave = gone.filter((m) => m.status === "stopped").map((m) => m.node);
  const stopping = gone.length > forceLeave.length;
  let apply = p.apply;
  let held = false;
  if (applied?.spec && current !== undefined && desired !== undefined && current > 0 && desired > 0) {
    const allowed = allowedReplicas(desired, current, name, members, input.api.state === "ok");
    if (allowed !== desired) {
      held = true;
      const limited = { ...applied, spec: { ...applied.spec, replicas: allowed } } as KubernetesObject;
      apply = p.apply.map((o, i) => (i === index ? limited : o));
    }
  }
  if (!held && forceLeave.length === 0 && !stopping) return p;
  // Waiting for the API itself keeps the pass's own retry (slower for a refused key); membership changes poll.
  const poll =
    input.api.state === "ok" ? MEMBERSHIP_POLL_SECONDS : (p.requeueAfterSeconds ?? MEMBERSHIP_POLL_SECONDS);
  const requeue = Math.min(p.requeueAfterSeconds ?? poll, poll);
  return { ...p, apply, ...(forceLeave.length > 0 ? { forceLeave } : {}), requeueAfterSeconds: requeue };
}
