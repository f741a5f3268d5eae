import {
  crKey,
  DetailType,
  type EventSource,
  type Hint,
  type HintCause,
  PUT_EVENTS_MAX_ENTRIES,
  type PutEventsEntry,
} from "@emqx-reconciler/api";
import type { EmbeddedBus } from "./bus.ts";

/** A CR's identity as a resync listing yields it: a hint without its cause. */
export type HintTarget = Omit<Hint, "cause">;

/** The work-queue key of a hint: `cluster/namespace/name`, the same string AWS uses as the FIFO group. */
export function hintKey(hint: HintTarget): string {
  return crKey(hint.cluster, hint.namespace, hint.name);
}

/** Rebuilds a minimal hint from a key, for runs no hint was received for (requeues of unknown keys). */
export function hintFromKey(key: string, cause: HintCause): Hint {
  const nameAt = key.lastIndexOf("/");
  const namespaceAt = key.lastIndexOf("/", nameAt - 1);
  return {
    cluster: key.slice(0, namespaceAt),
    namespace: key.slice(namespaceAt + 1, nameAt),
    name: key.slice(nameAt + 1),
    cause,
  };
}

/** PutEvents entries for hints, grouped ≤ 10 per request as EventBridge requires. */
export function buildHintBatches(source: EventSource, hints: readonly Hint[]): PutEventsEntry[][] {
  const batches: PutEventsEntry[][] = [];
  for (let i = 0; i < hints.length; i += PUT_EVENTS_MAX_ENTRIES) {
    batches.push(
      hints.slice(i, i + PUT_EVENTS_MAX_ENTRIES).map((hint) => ({
        Source: source,
        DetailType: DetailType.ReconcileHint,
        Detail: JSON.stringify(hint),
      })),
    );
  }
  return batches;
}

/** Publishes hints in batches; returns how many entries the bus refused (their errors are per entry). */
export async function publishHints(
  bus: EmbeddedBus,
  source: EventSource,
  hints: readonly Hint[],
): Promise<number> {
  let failed = 0;
  for (const batch of buildHintBatches(source, hints))
    failed += (await bus.putEvents(batch)).FailedEntryCount;
  return failed;
}
