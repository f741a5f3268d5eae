/**
 * The lifecycle events one status change means: a pure diff of the status before and after a write. Nodes are
 * matched by name across `coreNodes`/`replicantNodes`; evacuations by node across `nodeEvacuationsStatus`.
 */
import {
  isoTime,
  LIFECYCLE_CONDITIONS,
  type LifecycleEvent,
  LifecycleEventSchema,
  type Phase,
} from "@emqx-reconciler/api";

/** The CR an event is about. */
export interface LifecycleSubject {
  cluster: string;
  namespace: string;
  name: string;
  uid?: string | undefined;
}

type Role = "core" | "replicant";

interface RoleView {
  readyReplicas?: number;
  replicas?: number;
  currentRevision?: string;
  updateRevision?: string;
}

interface NodeView {
  node?: string;
  name?: string;
  node_status?: string;
}

interface EvacuationView {
  node?: string;
  state?: string;
  stats?: { initial_sessions?: number; current_sessions?: number };
}

interface StatusView {
  conditions?: Array<{ type?: string; status?: string }>;
  coreNodes?: NodeView[];
  replicantNodes?: NodeView[];
  coreNodesStatus?: RoleView;
  replicantNodesStatus?: RoleView;
  nodeEvacuationsStatus?: EvacuationView[];
}

const ROLES: readonly Role[] = ["core", "replicant"];

function phase(s: StatusView | undefined): Phase {
  const lifecycle: readonly string[] = LIFECYCLE_CONDITIONS;
  const first = (s?.conditions ?? []).find((c) => c.status === "True" && lifecycle.includes(c.type ?? ""));
  return (first?.type as Phase | undefined) ?? "None";
}

function roleView(s: StatusView | undefined, role: Role): RoleView | undefined {
  return role === "core" ? s?.coreNodesStatus : s?.replicantNodesStatus;
}

function nodesOf(s: StatusView | undefined, role: Role): Map<string, NodeView> {
  const list = (role === "core" ? s?.coreNodes : s?.replicantNodes) ?? [];
  return new Map(list.flatMap((n) => ((n.node ?? n.name) ? [[(n.node ?? n.name) as string, n]] : [])));
}

function countsOf(s: StatusView | undefined) {
  const c = (role: Role) => ({
    ready: roleView(s, role)?.readyReplicas ?? 0,
    desired: roleView(s, role)?.replicas ?? 0,
  });
  return { core: c("core"), replicant: c("replicant") };
}

/**
 * Every lifecycle event between two statuses, in a stable order: phase, nodes, revisions, evacuations, scale done.
 *
 * @example computeLifecycleEvents(subject, cr.status, written, now) // [{ kind: "NodeJoined", node: "emqx@10.0.0.9", … }]
 */
export function computeLifecycleEvents(
  subject: LifecycleSubject,
  before: unknown,
  after: unknown,
  now: Date,
): LifecycleEvent[] {
  const b = before as StatusView | undefined;
  const a = after as StatusView | undefined;
  const base = {
    cluster: subject.cluster,
    namespace: subject.namespace,
    name: subject.name,
    ...(subject.uid ? { uid: subject.uid } : {}),
    counts: countsOf(a),
    time: isoTime(now),
  };
  const out: unknown[] = [];
  const [from, to] = [phase(b), phase(a)];
  if (from !== to) out.push({ ...base, kind: "PhaseChanged", from, to, reason: `phase ${from} → ${to}` });
  for (const role of ROLES) {
    const old = nodesOf(b, role);
    const now_ = nodesOf(a, role);
    for (const [node, view] of now_) {
      const prior = old.get(node);
      if (!prior)
        out.push({ ...base, kind: "NodeJoined", node, role, reason: `${role} ${node} joined the cluster` });
      else if (view.node_status === "stopped" && prior.node_status !== "stopped")
        out.push({ ...base, kind: "NodeStopped", node, role, reason: `${role} ${node} reports stopped` });
    }
    for (const node of old.keys())
      if (!now_.has(node))
        out.push({ ...base, kind: "NodeLeft", node, role, reason: `${role} ${node} left the cluster` });
  }
  for (const role of ROLES) {
    const was = roleView(b, role)?.currentRevision;
    const is = roleView(a, role)?.currentRevision;
    if (is && was && is !== was)
      out.push({
        ...base,
        kind: "RevisionRolled",
        role,
        from: was,
        to: is,
        reason: `${role} revision ${was} → ${is}`,
      });
  }
  const oldEv = new Map((b?.nodeEvacuationsStatus ?? []).flatMap((e) => (e.node ? [[e.node, e]] : [])));
  const newEv = new Map((a?.nodeEvacuationsStatus ?? []).flatMap((e) => (e.node ? [[e.node, e]] : [])));
  for (const [node, ev] of newEv) {
    const prior = oldEv.get(node);
    const state = ev.state ? { state: ev.state } : {};
    if (!prior)
      out.push({ ...base, kind: "EvacuationStarted", node, ...state, reason: `evacuating ${node}` });
    else if (prior.state !== ev.state || prior.stats?.current_sessions !== ev.stats?.current_sessions)
      out.push({
        ...base,
        kind: "EvacuationProgress",
        node,
        ...state,
        ...(ev.stats?.initial_sessions === undefined ? {} : { initialSessions: ev.stats.initial_sessions }),
        ...(ev.stats?.current_sessions === undefined ? {} : { currentSessions: ev.stats.current_sessions }),
        reason: `evacuating ${node}: ${ev.state ?? "?"}, ${ev.stats?.current_sessions ?? "?"} sessions left`,
      });
  }
  for (const node of oldEv.keys())
    if (!newEv.has(node))
      out.push({ ...base, kind: "EvacuationDone", node, reason: `evacuation of ${node} ended` });
  for (const role of ROLES) {
    const was = countsOf(b)[role];
    const is = base.counts[role];
    const steady = is.ready === is.desired;
    if (steady && (was.ready !== is.ready || was.desired !== is.desired) && was.ready !== was.desired)
      out.push({
        ...base,
        kind: "ScaleDone",
        role,
        replicas: is.desired,
        reason: `${role}s ready at ${is.desired}`,
      });
  }
  return out.map((e) => LifecycleEventSchema.parse(e));
}
