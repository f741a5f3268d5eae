/**
 * Every version a namespace's objects went through, from watches: polling can miss a step (two decrements in a
 * row look like one), a watch cannot.
 */
import type { KindName, KubeObject, WatchHandle } from "@emqx-reconciler/adapters";
import type { Testbed } from "./testbed.ts";

/** One observed change. */
export interface Change {
  kind: KindName;
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: KubeObject;
  /** The object's resourceVersion as a number: one etcd orders every kind's writes. */
  rv: bigint;
}

/** Watches that record changes until stopped. */
export interface WatchHistory {
  readonly changes: Change[];
  /** The changes of one object, in order. */
  of(kind: KindName, name: string): Change[];
  stop(): void;
}

/** Lists, then watches, `kinds` in `namespace` from the list's position, keeping every change. */
export async function recordHistory(
  testbed: Testbed,
  namespace: string,
  kinds: readonly KindName[],
): Promise<WatchHistory> {
  const changes: Change[] = [];
  const handles: WatchHandle[] = [];
  for (const kind of kinds) {
    const list = await testbed.gateway.list(kind, { namespace });
    handles.push(
      testbed.gateway.watchKind(kind, { namespace, resourceVersion: list.resourceVersion }, (event) => {
        if (event.type === "BOOKMARK") return;
        const rv = BigInt(event.object.metadata?.resourceVersion ?? "0");
        changes.push({ kind, type: event.type, object: event.object, rv });
      }),
    );
  }
  return {
    changes,
    of: (kind, name) => changes.filter((c) => c.kind === kind && c.object.metadata?.name === name),
    stop: () => {
      for (const handle of handles) handle.stop();
    },
  };
}
