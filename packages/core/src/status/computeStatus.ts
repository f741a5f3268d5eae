/**
 * The whole `.status` of one CR from what was observed: node lists and counts, revisions, conditions.
 */
import {
  ConditionType,
  type Emqx,
  type EmqxNode,
  type EmqxNodesStatus,
  type EmqxStatus,
  type Role,
  replicantSelectorString,
} from "@emqx-reconciler/api";
import { hasReplicants } from "../children/pdbs.ts";
import type { EmqxView, Observed } from "../plan/types.ts";
import { isConditionTrue, removeConditions, sortConditions } from "./conditions.ts";
import { applyLifecycle, type LifecycleFacts } from "./lifecycle.ts";
import { countNodes, matchNodes } from "./nodes.ts";
import { omitEmpty } from "./omitEmpty.ts";
import { findSet, isSetReady, type Revisions, type WorkloadSet } from "./revisions.ts";
import { applyStaleness, clusterStarting } from "./staleness.ts";
import { applyUnverifiedReady } from "./unverified.ts";

/** One role's revisions as this pass decided them (see `planSet`). */
export interface RoleRevisions extends Revisions {
  collisionCount?: number;
}

/** Input of {@link computeStatus}. */
export interface StatusInput {
  /** The validated CR. */
  emqx: Emqx;
  observed: Observed;
  api: EmqxView;
  /** The status as read (already parsed), the memory of revisions and the last good node lists. */
  prior: EmqxStatus;
  core: RoleRevisions;
  replicant: RoleRevisions;
  /** Reasons of this pass's set actions, for the Progressing conditions. */
  reasons?: Pick<LifecycleFacts, "coreReason" | "replicantReason">;
  /** `now` in wire form. */
  now: string;
}

/** The status and the facts the plan acts on. */
export interface StatusResult {
  status: EmqxStatus;
  facts: LifecycleFacts;
  coreNodesReady: boolean;
  available: boolean;
  ready: boolean;
  /** No node list was ever read and a core pod turned ready a moment ago (see `clusterStarting`). */
  starting: boolean;
}

function desiredReplicas(emqx: Emqx, role: Role): number {
  if (role === "core") return emqx.spec.coreTemplate.spec.replicas ?? 0;
  return emqx.spec.replicantTemplate?.spec?.replicas ?? 0;
}

/**
 * One role's `…NodesStatus`: replicas copied from the template (for replicants only
 * while one is declared, else the prior value stays, as in the operator), counts from the fresh API nodes or else
 * the last good ones, the revisions, all in the operator's `omitempty` shape. A core-only CR thus gets
 * `replicantNodesStatus: {}`.
 */
function nodesStatus(
  emqx: Emqx,
  role: Role,
  revisions: RoleRevisions,
  sets: readonly WorkloadSet[],
  nodes: readonly EmqxNode[] | undefined,
  prior: EmqxNodesStatus | undefined,
): EmqxNodesStatus {
  const counts = nodes
    ? countNodes(
        nodes,
        findSet(sets, revisions.updateRevision)?.metadata?.uid,
        findSet(sets, revisions.currentRevision)?.metadata?.uid,
      )
    : {
        readyReplicas: prior?.readyReplicas,
        updateReplicas: prior?.updateReplicas,
        currentReplicas: prior?.currentReplicas,
      };
  const templated = role === "core" || emqx.spec.replicantTemplate !== undefined;
  const all: EmqxNodesStatus = {
    replicas: templated ? desiredReplicas(emqx, role) : prior?.replicas,
    readyReplicas: counts.readyReplicas,
    currentRevision: revisions.currentRevision,
    currentReplicas: counts.currentReplicas,
    updateRevision: revisions.updateRevision,
    updateReplicas: counts.updateReplicas,
    collisionCount: revisions.collisionCount,
  };
  return omitEmpty(all, ["collisionCount"]);
}

function roleConverged(s: EmqxNodesStatus): boolean {
  return (s.readyReplicas ?? 0) === (s.replicas ?? 0) && s.updateRevision === s.currentRevision;
}

/**
 * Computes `.status` from the observed sets and pods, the EMQX API view
 * and the prior status.
 *
 * When the API could not be read, the last good node lists and counts are kept and `NodeStatusStale` says why.
 * `Ready` is then held if it was already true and every Kubernetes fact still supports it (the pods' own
 * readiness probes keep checking each node), but it is never newly granted on stale data: a blink of the API is
 * not an outage of the cluster, and an unverified cluster is not called ready. After two minutes of staleness
 * `Ready` turns False with the staleness reason (see `unverified.ts`).
 */
export function computeStatus(input: StatusInput): StatusResult {
  const { emqx, observed, api, prior, now } = input;
  const generation = emqx.metadata.generation;
  const fresh = api.state === "ok" ? matchNodes(api.nodes, observed.pods) : undefined;
  const coreNodes = fresh?.core ?? prior.coreNodes ?? [];
  const replicantNodes = fresh?.replicant ?? prior.replicantNodes ?? [];
  const coreNodesStatus = nodesStatus(
    emqx,
    "core",
    input.core,
    observed.statefulSets,
    fresh?.core,
    prior.coreNodesStatus,
  );
  const replicantNodesStatus = nodesStatus(
    emqx,
    "replicant",
    input.replicant,
    observed.replicaSets,
    fresh?.replicant,
    prior.replicantNodesStatus,
  );

  const replicantsExist = hasReplicants(emqx);
  const priorReady = isConditionTrue(prior.conditions ?? [], ConditionType.Ready);
  const facts: LifecycleFacts = {
    coreReady: isSetReady(
      findSet(observed.statefulSets, input.core.updateRevision),
      desiredReplicas(emqx, "core"),
    ),
    replicantsExist,
    replicantReady: isSetReady(
      findSet(observed.replicaSets, input.replicant.updateRevision),
      desiredReplicas(emqx, "replicant"),
    ),
    converged:
      roleConverged(coreNodesStatus) &&
      (!replicantsExist || roleConverged(replicantNodesStatus)) &&
      (fresh !== undefined || priorReady),
    ...input.reasons,
  };

  // The plan's status is the one of a pass whose writes succeed: a failed write adds `ReconcileFailed` back.
  let conditions = removeConditions(prior.conditions ?? [], [
    ConditionType.InvalidSpec,
    ConditionType.ReconcileFailed,
  ]);
  conditions = applyLifecycle(conditions, facts, now, generation);
  const hasLastGood = coreNodes.length + replicantNodes.length > 0;
  const starting = clusterStarting(hasLastGood, observed.pods, Date.parse(now));
  conditions = applyStaleness(conditions, api, hasLastGood, now, generation, starting);
  conditions = sortConditions(applyUnverifiedReady(conditions, prior.conditions ?? [], now, generation));

  const evacuations = api.state === "ok" && api.evacuations ? api.evacuations : prior.nodeEvacuationsStatus;
  // The operator's node lists are `omitempty`: no key at all while no node is known; its two nodes-status
  // structs are values, which `omitempty` never drops, so both are always there, `{}` at the least.
  const status: EmqxStatus = {
    conditions,
    ...(coreNodes.length > 0 ? { coreNodes } : {}),
    coreNodesStatus,
    ...(replicantNodes.length > 0 ? { replicantNodes } : {}),
    replicantNodesStatus,
    ...(evacuations ? { nodeEvacuationsStatus: evacuations } : {}),
    replicantSelector: replicantSelectorString(emqx.metadata.name),
  };
  return {
    status,
    facts,
    coreNodesReady: isConditionTrue(conditions, ConditionType.CoreNodesReady),
    available: isConditionTrue(conditions, ConditionType.Available),
    ready: isConditionTrue(conditions, ConditionType.Ready),
    starting,
  };
}
