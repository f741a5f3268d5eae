/**
 * The operator's status state machine, computed level-triggered: every pass derives the furthest
 * stage whose facts hold now, instead of making at most one transition per pass.
 *
 * Why: the stages are cumulative facts (cores ready ⇒ replicants progressing ⇒ replicants ready ⇒ available ⇒
 * ready), so the furthest true stage is exactly where one-step-per-pass would arrive after a few more passes with
 * nothing else changed. We are event-driven, not polling every second like the operator, so each extra pass would
 * cost a status write plus a full round trip of hints for no information. Watchers still see the operator's states
 * in the operator's order (CoreNodesProgressing → CoreNodesReady → ReplicantNodesProgressing →
 * ReplicantNodesReady → Available → Ready); a pass may skip ahead when several facts became true together, and the
 * skipped stages still appear in `.status.conditions`, in order, with the time they were reached. The facts gate
 * real actions: the replicant set only exists after CoreNodesReady and the replicant set cannot be ready in the
 * pass that creates it, so those two stages are always seen one by one. Stages also fall back as soon as their
 * facts stop holding (the operator re-checked only from `Ready`), so `kubectl get emqx` never claims more than is
 * true.
 */
import {
  type Condition,
  ConditionMessage,
  type ConditionReason,
  ConditionType,
  LIFECYCLE_CONDITIONS,
} from "@emqx-reconciler/api";
import { type ConditionInput, findCondition, removeConditions, setCondition } from "./conditions.ts";

/** What decides the lifecycle stage; computed by `computeStatus` from the observed sets and the EMQX API. */
export interface LifecycleFacts {
  /** The update StatefulSet's ready pods equal `coreTemplate.spec.replicas` (and are not 0). */
  coreReady: boolean;
  /** `replicantTemplate.spec.replicas > 0` (`IsExistReplicant`). */
  replicantsExist: boolean;
  /** The update ReplicaSet's ready pods equal `replicantTemplate.spec.replicas` (and are not 0). */
  replicantReady: boolean;
  /** Everything converged per the EMQX API: counts match and update revision == current revision, per role. */
  converged: boolean;
  /** Reason of this pass's core set action (`CreateNewStatefulSet`, `UpdateStatefulSet`, `RevertStatefulSet`). */
  coreReason?: ConditionReason;
  /** Reason of this pass's replicant set action (`CreateReplicaSet`, `UpdateReplicaSet`, `RevertReplicaSet`). */
  replicantReason?: ConditionReason;
}

const LIFECYCLE_TYPES: readonly string[] = LIFECYCLE_CONDITIONS;

function fixed(type: ConditionType & ConditionReason): ConditionInput {
  return { type, reason: type, message: ConditionMessage[type] ?? type };
}

/** A Progressing condition: this pass's reason, else the reason it already has, else the default one. */
function progressing(
  conditions: readonly Condition[],
  type: typeof ConditionType.CoreNodesProgressing | typeof ConditionType.ReplicantNodesProgressing,
  reason: ConditionReason | undefined,
): ConditionInput {
  const existing = findCondition(conditions, type);
  if (reason) return { type, reason, message: ConditionMessage[reason] ?? reason };
  if (existing?.status === "True") return { type, reason: existing.reason, message: existing.message };
  return fixed(type);
}

/** The lifecycle conditions the facts support, in stage order. */
export function lifecycleStages(conditions: readonly Condition[], facts: LifecycleFacts): ConditionInput[] {
  const stages = [progressing(conditions, ConditionType.CoreNodesProgressing, facts.coreReason)];
  if (!facts.coreReady) return stages;
  stages.push(fixed(ConditionType.CoreNodesReady));
  if (facts.replicantsExist) {
    stages.push(progressing(conditions, ConditionType.ReplicantNodesProgressing, facts.replicantReason));
    if (!facts.replicantReady) return stages;
    stages.push(fixed(ConditionType.ReplicantNodesReady));
  }
  stages.push(fixed(ConditionType.Available));
  if (facts.converged) stages.push(fixed(ConditionType.Ready));
  return stages;
}

/**
 * Replaces the lifecycle conditions with the ones the facts support: stages no longer true are removed (the
 * operator never writes False), kept stages keep their `lastTransitionTime`, new ones get `now`. Other conditions
 * are left alone.
 */
export function applyLifecycle(
  conditions: readonly Condition[],
  facts: LifecycleFacts,
  now: string,
  generation: number | undefined,
): Condition[] {
  const stages = lifecycleStages(conditions, facts);
  const keep = new Set(stages.map((s) => s.type));
  let out = removeConditions(
    conditions,
    LIFECYCLE_TYPES.filter((t) => !keep.has(t)),
  );
  for (const stage of stages) out = setCondition(out, stage, now, generation);
  return out;
}
