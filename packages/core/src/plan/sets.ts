/**
 * The update-set decision of addCore / addRepl: keep and resize the update set,
 * fall back to an existing set that already runs the desired template, or create a new hashed set — at most one
 * per CR generation and role.
 */
import {
  ANNOTATION_CREATED_FOR_GENERATION,
  ConditionReason,
  type EmqxNodesStatus,
  EventReason,
  LABEL_POD_TEMPLATE_HASH,
} from "@emqx-reconciler/api";
import type { V1PodTemplateSpec, V1StatefulSet } from "@kubernetes/client-node";
import type { RoleRevisions } from "../status/computeStatus.ts";
import { findSet, setHash, type WorkloadSet } from "../status/revisions.ts";
import { toMillis } from "../status/time.ts";
import { templateDiffPaths } from "../template/templateDiffPaths.ts";
import { templatesDiffer } from "../template/templatesDiffer.ts";
import type { PlannedEvent } from "./types.ts";

/** How many hash collisions in a row we try before giving up for this pass (each one is a 1-in-2^40 event). */
const MAX_COLLISIONS = 8;

/** What a role's set does this pass. */
export interface SetDecision<S extends WorkloadSet> {
  revisions: RoleRevisions;
  /** The update set as it should be, for server-side apply. */
  apply?: S;
  /** Why the Progressing condition changes, when it does. */
  reason?: ConditionReason;
  /** The Normal event to record when the set is created, resized or switched to. */
  event?: PlannedEvent;
  /** Set when the circuit breaker refused a second new set for this generation; nothing is applied then. */
  drift?: TemplateDrift;
}

/**
 * A set created for the current generation that no longer matches the desired template: the apiserver (or an
 * admission webhook) changed something the template comparison does not understand, or the desired template is
 * not a pure function of the spec. Either way, creating another set would not converge.
 */
export interface TemplateDrift {
  kind: "StatefulSet" | "ReplicaSet";
  /** The set created for this generation. */
  set: string;
  /** Where the desired and the live template differ, paths only (see `templateDiffPaths`). */
  paths: string[];
}

/**
 * The CR a set is planned for: its UID (owner references) and generation (the circuit breaker's key): the CR's
 * `metadata.generation`, followed by `/<credentials generation>` when the credentials were ever regenerated, so
 * that a new credentials generation may create one more set for the same spec.
 */
export interface SetOwner {
  uid?: string;
  generation?: number | string;
}

/** Reasons per role: core StatefulSet vs replicant ReplicaSet. */
const REASONS = {
  StatefulSet: {
    create: ConditionReason.CreateNewStatefulSet,
    update: ConditionReason.UpdateStatefulSet,
    revert: ConditionReason.RevertStatefulSet,
  },
  ReplicaSet: {
    create: ConditionReason.CreateReplicaSet,
    update: ConditionReason.UpdateReplicaSet,
    revert: ConditionReason.RevertReplicaSet,
  },
} as const;

function normal(reason: string, message: string): PlannedEvent {
  return { type: "Normal", reason, message };
}

function templateOf(set: WorkloadSet): V1PodTemplateSpec {
  return set.spec?.template ?? {};
}

function isDeleting(set: WorkloadSet): boolean {
  return set.metadata?.deletionTimestamp !== undefined;
}

/**
 * The desired set re-labelled to an existing set's name and hash (so a set the Go operator hashed its own way is
 * kept as it is), with the live selector and, for a StatefulSet, the live claim templates: both are immutable, and
 * an apply that changed them would be rejected forever (volume claim changes take effect with the next new set).
 */
export function retarget<S extends WorkloadSet>(desired: S, live: S): S {
  const hash = setHash(live) ?? "";
  const relabel = (labels: Record<string, string> | undefined) => ({
    ...labels,
    [LABEL_POD_TEMPLATE_HASH]: hash,
  });
  const stamp = live.metadata?.annotations?.[ANNOTATION_CREATED_FOR_GENERATION];
  const annotations = { ...desired.metadata?.annotations };
  if (stamp !== undefined) annotations[ANNOTATION_CREATED_FOR_GENERATION] = stamp;
  // Copies only the levels it changes (the rest is shared with `desired`, which nothing writes to); the parts taken
  // from `live` are cloned, so the result never aliases an object of the read cache.
  const out = {
    ...desired,
    metadata: {
      ...desired.metadata,
      name: live.metadata?.name,
      labels: relabel(desired.metadata?.labels),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
  } as S;
  if (desired.spec) {
    const spec = { ...desired.spec, selector: structuredClone(live.spec?.selector ?? desired.spec.selector) };
    if (spec.template) {
      spec.template = {
        ...spec.template,
        metadata: { ...spec.template.metadata, labels: relabel(spec.template.metadata?.labels) },
      };
    }
    const liveClaims = (live as V1StatefulSet).spec?.volumeClaimTemplates;
    const withClaims = spec as NonNullable<V1StatefulSet["spec"]>;
    if (liveClaims) withClaims.volumeClaimTemplates = structuredClone(liveClaims);
    else delete withClaims.volumeClaimTemplates;
    out.spec = spec as S["spec"];
  }
  return out;
}

function ownedBy(set: WorkloadSet, uid: string | undefined): boolean {
  const controller = set.metadata?.ownerReferences?.find((ref) => ref.controller);
  return uid === undefined || controller === undefined || controller.uid === uid;
}

/** The live set we created for this generation of this CR, if any. */
function createdFor<S extends WorkloadSet>(sets: readonly S[], owner: SetOwner): S | undefined {
  if (owner.generation === undefined) return undefined;
  const generation = String(owner.generation);
  return sets.find(
    (s) =>
      s.metadata?.annotations?.[ANNOTATION_CREATED_FOR_GENERATION] === generation && ownedBy(s, owner.uid),
  );
}

/** The desired set as created: stamped with the generation it was created for. */
function stamped<S extends WorkloadSet>(set: S, owner: SetOwner): S {
  if (owner.generation === undefined) return set;
  const annotations = {
    ...set.metadata?.annotations,
    [ANNOTATION_CREATED_FOR_GENERATION]: String(owner.generation),
  };
  return { ...set, metadata: { ...set.metadata, annotations } };
}

function newestFirst<S extends WorkloadSet>(sets: readonly S[]): S[] {
  return [...sets].sort(
    (a, b) => (toMillis(b.metadata?.creationTimestamp) ?? 0) - (toMillis(a.metadata?.creationTimestamp) ?? 0),
  );
}

/**
 * Decides the role's update set.
 *
 * A set runs the desired template when it carries the desired set's name and this CR owns it — its hash is the
 * hash of this very template, so it was created from it, whatever the apiserver or an admission webhook added since — or when its
 * live template compares equal (`templatesDiffer`), which adopts sets the Go operator hashed its own way.
 *
 * 1. The update set (`updateRevision`) still runs the desired template → apply it in place; a replicas change is
 *    `UpdateStatefulSet` / `UpdateReplicaSet` (scaling never creates a set).
 * 2. Another existing set runs the desired template → it becomes the update set: the current set is a rollback
 *    (`RevertStatefulSet`); any other is one we created in a pass whose status write was lost, or an older
 *    revision coming back. The operator reverts only before `Available` and otherwise bumps `collisionCount` into a
 *    brand-new set; reusing the set is what Deployments do and restarts fewer pods.
 * 3. Otherwise a new set `<name>-<role>-<hash>`, stamped with the CR generation it is created for; a taken name
 *    bumps `collisionCount` until a free one is found, all in this pass.
 *
 * Circuit breaker: a set stamped with the current generation that does not run the desired template means the
 * comparison cannot converge, so step 3 creates nothing and returns `drift` instead: one new set per generation
 * and role, never more, whatever the cause.
 *
 * @param build the desired set for a collision count (the children builders).
 */
export function planSet<S extends WorkloadSet>(
  kind: "StatefulSet" | "ReplicaSet",
  build: (collisionCount: number | undefined) => S,
  sets: readonly S[],
  prior: EmqxNodesStatus | undefined,
  owner: SetOwner = {},
): SetDecision<S> {
  const reasons = REASONS[kind];
  const revisions: RoleRevisions = {
    updateRevision: prior?.updateRevision,
    currentRevision: prior?.currentRevision,
    collisionCount: prior?.collisionCount,
  };
  const desired = build(prior?.collisionCount);
  const wanted = templateOf(desired);
  const live = sets.filter((s) => !isDeleting(s));
  const runsWanted = (s: S) =>
    (s.metadata?.name === desired.metadata?.name && ownedBy(s, owner.uid)) ||
    !templatesDiffer(wanted, templateOf(s));
  const update = findSet(live, prior?.updateRevision);
  if (update && runsWanted(update)) {
    const from = update.spec?.replicas;
    const to = desired.spec?.replicas;
    if (from === to) return { revisions, apply: retarget(desired, update) };
    const event = normal(
      EventReason.Updated,
      `Scaled ${kind} ${update.metadata?.name} from ${from ?? 0} to ${to ?? 0} in place`,
    );
    return { revisions, apply: retarget(desired, update), reason: reasons.update, event };
  }
  const current = findSet(live, prior?.currentRevision);
  const candidates = [...(current && current !== update ? [current] : []), ...newestFirst(live)];
  const match = candidates.find((s) => s !== update && runsWanted(s));
  if (match) {
    const hash = setHash(match);
    const reason = match === current ? reasons.revert : reasons.create;
    const event = normal(
      EventReason.Updated,
      `Switched to existing ${kind} ${match.metadata?.name}, which runs the desired template`,
    );
    return {
      revisions: { ...revisions, updateRevision: hash },
      apply: retarget(desired, match),
      reason,
      event,
    };
  }
  const ours = createdFor(live, owner);
  if (ours) {
    const drift = {
      kind,
      set: ours.metadata?.name ?? "",
      paths: templateDiffPaths(wanted, templateOf(ours)),
    };
    return { revisions, drift };
  }
  const start = prior?.collisionCount;
  for (let bump = 0; bump < MAX_COLLISIONS; bump++) {
    const count = start === undefined && bump === 0 ? undefined : (start ?? 0) + bump;
    const candidate = bump === 0 ? desired : build(count);
    if (sets.some((s) => s.metadata?.name === candidate.metadata?.name)) continue;
    return {
      revisions: { ...revisions, updateRevision: setHash(candidate), collisionCount: count },
      apply: stamped(candidate, owner),
      reason: reasons.create,
      event: normal(EventReason.Created, `Created ${kind} ${candidate.metadata?.name}`),
    };
  }
  return { revisions };
}
