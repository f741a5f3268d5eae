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
  type PutEventsEntry,
} from "@emqx-reconciler/api";
import { computeLifecycleEvents } from "@emqx-reconciler/core";
import type { Logger, Publisher } from "../ports.ts";
import { publishEntries } from "./statusTransitions.ts";

/** The PutEvents entry of one lifecycle event. */
export function lifecycleEntry(event: LifecycleEvent): PutEventsEntry {
  return { Source: EventSource.Status, DetailType: LIFECYCLE_DETAIL_TYPE, Detail: JSON.stringify(event) };
}

/** Publishes `events` in batches of ≤ 10; returns how many were not delivered. */
export function publishLifecycleEvents(
  publisher: Publisher,
  logger: Logger,
  events: readonly LifecycleEvent[],
): Promise<number> {
  return publishEntries(publisher, logger, events.map(lifecycleEntry), "lifecycle events");
}

/**
 * Publishes what a written status change means (nothing when it means nothing), in the same PutEvents as
 * `alongside` (the entries of the same write's status transition): a pass that changed the status waits for one
 * bus round trip instead of two before it ends, and with it the next hint of its FIFO group. The bus keeps no order
 * between events, so sending them together changes nothing for a consumer.
 */
export async function publishStatusLifecycle(
  publisher: Publisher | undefined,
  logger: Logger,
  cluster: string,
  cr: KubeObject,
  written: unknown,
  now: Date,
  alongside: readonly PutEventsEntry[] = [],
): Promise<void> {
  if (!publisher) return;
  const subject = {
    cluster,
    namespace: cr.metadata?.namespace ?? "default",
    name: cr.metadata?.name ?? "",
    uid: cr.metadata?.uid,
  };
  const entries = [
    ...alongside,
    ...computeLifecycleEvents(subject, cr.status, written, now).map(lifecycleEntry),
  ];
  if (entries.length > 0)
    await publishEntries(publisher, logger, entries, "status transition and lifecycle events");
}
