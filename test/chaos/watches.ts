/**
 * Feeds a {@link SetHistory} from watches of the namespace's EMQX CRs, StatefulSets and ReplicaSets for a whole
 * chaos run: a watch that ends (server timeout, an apiserver restart) resumes from its last resourceVersion after
 * a second, and a 410 relists.
 */
import type { KindName, KubeGateway, KubeObject, WatchHandle } from "@emqx-reconciler/adapters";
import type { ChaosCr, SetLike } from "./invariants.ts";
import type { SetHistory } from "./setHistory.ts";

/** Running watches. */
export interface SetWatches {
  stop(): void;
}

const KINDS: readonly KindName[] = ["EMQX", "StatefulSet", "ReplicaSet"];

/** Starts the watches; resolves once each kind's first list went into the history. */
export async function watchSets(
  observer: KubeGateway,
  namespace: string,
  history: SetHistory,
): Promise<SetWatches> {
  let stopped = false;
  const handles = new Map<KindName, WatchHandle>();
  const feed = (kind: KindName, object: KubeObject, deleted: boolean) => {
    const at = Date.now();
    if (kind === "EMQX") history.crVersion(object as ChaosCr, at);
    else history.setVersion(kind, object as SetLike, at, deleted);
  };
  const list = async (kind: KindName): Promise<string> => {
    const result = await observer.list(kind, { namespace });
    for (const item of result.items) feed(kind, item, false);
    return result.resourceVersion ?? "0";
  };
  const watch = (kind: KindName, resourceVersion: string) => {
    if (stopped) return;
    const handle = observer.watchKind(
      kind,
      { namespace, resourceVersion },
      (event) => {
        if (event.type !== "BOOKMARK") feed(kind, event.object, event.type === "DELETED");
      },
      (end) => {
        if (stopped || end.reason === "stopped") return;
        setTimeout(() => {
          const resume = end.reason === "gone" ? list(kind) : Promise.resolve(end.resourceVersion);
          resume.then(
            (rv) => watch(kind, rv),
            () => watch(kind, end.resourceVersion),
          );
        }, 1_000);
      },
    );
    handles.set(kind, handle);
  };
  for (const kind of KINDS) watch(kind, await list(kind));
  return {
    stop() {
      stopped = true;
      for (const handle of handles.values()) handle.stop();
    },
  };
}
