/**
 * The workload half of a pass: update-set decisions for both roles, revision promotion and the status they lead
 * to. Shared by `plan` and by anyone who needs only the status (same code, same answer).
 */
import { ANNOTATION_CREDENTIALS_GENERATION, type Emqx, type EmqxStatus } from "@emqx-reconciler/api";
import type { V1ReplicaSet, V1StatefulSet } from "@kubernetes/client-node";
import { buildCoreSet } from "../children/coreSet.ts";
import { buildReplicantSet } from "../children/replicantSet.ts";
import { computeStatus, type RoleRevisions, type StatusResult } from "../status/computeStatus.ts";
import { findSet, isSetReady, promoteRevisions, type WorkloadSet } from "../status/revisions.ts";
import { planSet, type SetDecision, type SetOwner } from "./sets.ts";
import type { EmqxView, Observed } from "./types.ts";

/** The update and current set of one role, as observed (either may not exist yet). */
export interface RoleSets<S extends WorkloadSet> {
  update?: S;
  current?: S;
}

/** Everything the rest of the plan builds on. */
export interface Workloads {
  core: SetDecision<V1StatefulSet>;
  replicant: SetDecision<V1ReplicaSet>;
  coreSets: RoleSets<V1StatefulSet>;
  replicantSets: RoleSets<V1ReplicaSet>;
  result: StatusResult;
}

function promoted(sets: readonly WorkloadSet[], decision: SetDecision<WorkloadSet>): RoleRevisions {
  const { collisionCount } = decision.revisions;
  return {
    ...promoteRevisions(sets, decision.revisions),
    ...(collisionCount !== undefined ? { collisionCount } : {}),
  };
}

function roleSets<S extends WorkloadSet>(sets: readonly S[], revisions: RoleRevisions): RoleSets<S> {
  return {
    update: findSet(sets, revisions.updateRevision),
    current: findSet(sets, revisions.currentRevision),
  };
}

/** See {@link SetOwner.generation}. */
function ownerGeneration(emqx: Emqx): number | string | undefined {
  const credentials = emqx.spec.coreTemplate.metadata?.annotations?.[ANNOTATION_CREDENTIALS_GENERATION];
  const { generation } = emqx.metadata;
  return credentials && generation !== undefined ? `${generation}/${credentials}` : generation;
}

/**
 * Decides the core set, then — only once the core set is ready, as the operator's addRepl requires
 * `CoreNodesReady` — the replicant set, promotes the current revisions and computes the status.
 */
export function planWorkloads(
  emqx: Emqx,
  observed: Observed,
  api: EmqxView,
  prior: EmqxStatus,
  now: string,
): Workloads {
  const owner: SetOwner = { uid: emqx.metadata.uid, generation: ownerGeneration(emqx) };
  const core = planSet(
    "StatefulSet",
    (collisionCount) => buildCoreSet(emqx, { collisionCount }),
    observed.statefulSets,
    prior.coreNodesStatus,
    owner,
  );
  const coreRevisions = promoted(observed.statefulSets, core);
  const coreReady = isSetReady(
    findSet(observed.statefulSets, coreRevisions.updateRevision),
    emqx.spec.coreTemplate.spec.replicas ?? 0,
  );
  const priorReplicant = prior.replicantNodesStatus;
  const replicant: SetDecision<V1ReplicaSet> =
    coreReady && emqx.spec.replicantTemplate?.spec
      ? planSet(
          "ReplicaSet",
          (collisionCount) => buildReplicantSet(emqx, { collisionCount }) ?? {},
          observed.replicaSets,
          priorReplicant,
          owner,
        )
      : {
          revisions: {
            updateRevision: priorReplicant?.updateRevision,
            currentRevision: priorReplicant?.currentRevision,
            collisionCount: priorReplicant?.collisionCount,
          },
        };
  const replicantRevisions = promoted(observed.replicaSets, replicant);
  const result = computeStatus({
    emqx,
    observed,
    api,
    prior,
    core: coreRevisions,
    replicant: replicantRevisions,
    reasons: { coreReason: core.reason, replicantReason: replicant.reason },
    now,
  });
  return {
    core,
    replicant,
    coreSets: roleSets(observed.statefulSets, coreRevisions),
    replicantSets: roleSets(observed.replicaSets, replicantRevisions),
    result,
  };
}
