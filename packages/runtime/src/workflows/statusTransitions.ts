/**
 * Status transitions: after a status write, what changed that scaling hooks and alerting care about —
 * the phase, a role's ready/desired node counts, a revision — published as `StatusTransition` bus events.
 * Published by whichever workflow wrote the status, and only after its resourceVersion-guarded write succeeded,
 * so each change is published once.
 */

import type { KubeObject } from "@emqx-reconciler/adapters";
import {
  DetailType,
  EventSource,
  isoTime,
  LIFECYCLE_CONDITIONS,
  type Phase,
  PUT_EVENTS_MAX_ENTRIES,
  type PutEventsEntry,
  type StatusTransition,
  StatusTransitionSchema,
} from "@emqx-reconciler/api";
import type { Logger, Publisher } from "../ports.ts";

interface RoleView {
  readyReplicas?: number;
  replicas?: number;
  currentRevision?: string;
  updateRevision?: string;
}

interface StatusView {
  conditions?: Array<{ type?: string; status?: string }>;
  coreNodesStatus?: RoleView;
  replicantNodesStatus?: RoleView;
}

/** The phase `kubectl get emqx` shows: the first True lifecycle condition (conditions are newest first). */
export function phaseOf(status: unknown): Phase {
  const conditions = (status as StatusView | undefined)?.conditions ?? [];
  const lifecycle: readonly string[] = LIFECYCLE_CONDITIONS;
  const first = conditions.find((c) => c.status === "True" && lifecycle.includes(c.type ?? ""));
  return (first?.type as Phase | undefined) ?? "None";
}

function counts(role: RoleView | undefined) {
  return { ready: role?.readyReplicas ?? 0, desired: role?.replicas ?? 0 };
}

function revisions(role: RoleView | undefined) {
  return {
    ...(role?.currentRevision ? { current: role.currentRevision } : {}),
    ...(role?.updateRevision ? { update: role.updateRevision } : {}),
  };
}

function summary(status: unknown) {
  const s = status as StatusView | undefined;
  return {
    phase: phaseOf(s),
    core: counts(s?.coreNodesStatus),
    replicant: counts(s?.replicantNodesStatus),
    revisions: { core: revisions(s?.coreNodesStatus), replicant: revisions(s?.replicantNodesStatus) },
  };
}

/**
 * The transition from `before` to `after` (raw or parsed statuses), or `undefined` when neither the phase, nor a
 * count, nor a revision changed.
 */
export function computeTransition(
  cluster: string,
  cr: KubeObject,
  before: unknown,
  after: unknown,
  now: Date,
): StatusTransition | undefined {
  const from = summary(before);
  const to = summary(after);
  const { phase: _from, ...restFrom } = from;
  const { phase: _to, ...restTo } = to;
  if (from.phase === to.phase && JSON.stringify(restFrom) === JSON.stringify(restTo)) return undefined;
  return StatusTransitionSchema.parse({
    cluster,
    namespace: cr.metadata?.namespace,
    name: cr.metadata?.name,
    uid: cr.metadata?.uid,
    from: from.phase,
    to: to.phase,
    ...restTo,
    time: isoTime(now),
  });
}

/** The PutEvents entry of a transition. */
export function transitionEntry(transition: StatusTransition): PutEventsEntry {
  return {
    Source: EventSource.Status,
    DetailType: DetailType.StatusTransition,
    Detail: JSON.stringify(transition),
  };
}

/**
 * Publishes transitions in batches of ≤ 10 and resends the entries the bus refused once; what is still refused is
 * logged, never thrown: transitions inform hooks, the status itself is already written, and a retried pass would
 * not see the change again. Returns how many were not delivered.
 */
export async function publishTransitions(
  publisher: Publisher,
  logger: Logger,
  transitions: readonly StatusTransition[],
): Promise<number> {
  return publishEntries(publisher, logger, transitions.map(transitionEntry), "status transitions");
}

/**
 * Sends `entries` in batches of ≤ 10, resending the ones the bus refused once; logs (never throws) what is still
 * refused, naming it `what`. Returns how many were not delivered.
 */
export async function publishEntries(
  publisher: Publisher,
  logger: Logger,
  all: readonly PutEventsEntry[],
  what: string,
): Promise<number> {
  let refused = 0;
  for (let i = 0; i < all.length; i += PUT_EVENTS_MAX_ENTRIES) {
    let entries = all.slice(i, i + PUT_EVENTS_MAX_ENTRIES);
    for (let attempt = 0; attempt < 2 && entries.length > 0; attempt++) {
      try {
        const result = await publisher.putEvents(entries);
        entries = entries.filter((_, j) => result.Entries[j]?.ErrorCode !== undefined);
      } catch (error) {
        logger.warn("Failed to reach the bus", {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    refused += entries.length;
  }
  if (refused > 0) logger.warn(`Failed to publish ${what}`, { refused });
  return refused;
}
