/**
 * Publishes lifecycle events (`LifecycleEvent` detail type, source `emqx-reconciler.status`) after the status write
 * or the scale decision they describe. Like status transitions, they inform: a refused entry is resent once, then
 * logged, never thrown.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import {
  EventSource,
  LIFECYCLE_DETAIL_TYPE,
  type LifecycleEvent,
  PUT_EVENTS_MAX_ENTRIES,
  type PutEventsEntry,
} from "@emqx-reconciler/api";
import { computeLifecycleEvents } from "@emqx-reconciler/core";
import type { Logger, Publisher } from "../ports.ts";

/** The PutEvents entry of one lifecycle event. */
export function lifecycleEntry(event: LifecycleEvent): PutEventsEntry {
  return { Source: EventSource.Status, DetailType: LIFECYCLE_DETAIL_TYPE, Detail: JSON.stringify(event) };
}

/** Publishes `events` in batches of ≤ 10; returns how many were not delivered. */
export async function publishLifecycleEvents(
  publisher: Publisher,
  logger: Logger,
  events: readonly LifecycleEvent[],
): Promise<number> {
  let refused = 0;
  for (let i = 0; i < events.length; i += PUT_EVENTS_MAX_ENTRIES) {
    let entries = events.slice(i, i + PUT_EVENTS_MAX_ENTRIES).map(lifecycleEntry);
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
  if (refused > 0) logger.warn("Failed to publish lifecycle events", { refused });
  return refused;
}

/** Publishes what a written status change means (nothing when it means nothing). */
export async function publishStatusLifecycle(
  publisher: Publisher | undefined,
  logger: Logger,
  cluster: string,
  cr: KubeObject,
  written: unknown,
  now: Date,
): Promise<void> {
  if (!publisher) return;
  const subject = {
    cluster,
    namespace: cr.metadata?.namespace ?? "default",
    name: cr.metadata?.name ?? "",
    uid: cr.metadata?.uid,
  };
  const events = computeLifecycleEvents(subject, cr.status, written, now);
  if (events.length > 0) await publishLifecycleEvents(publisher, logger, events);
}
