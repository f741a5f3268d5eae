/**
 * The child writes of a pass: the create-only Secrets and the server-side applies, each step written at once where
 * its objects do not depend on each other, and counting only writes that changed something.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { isApplyNoop } from "./applyNoop.ts";
import { liveChildOf } from "./audit.ts";
import { crRef } from "./readObserved.ts";
import type { Pass } from "./reconcileWrites.ts";

/**
 * Runs `write` for every object at once and waits for all of them; then throws the failure of the first object
 * (in list order) that failed, so a failed pass is reported as the sequential order would have reported it.
 */
async function writeAll(objects: readonly KubeObject[], write: (obj: KubeObject) => Promise<void>) {
  const results = await Promise.allSettled(objects.map(write));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/**
 * Create-only Secrets, all at once: AlreadyExists is success and the existing Secret is never touched. They do
 * not depend on each other: a pass that created only some of them is completed by the next (the missing ones
 * from the values of those that exist).
 */
export async function createSecrets(pass: Pass, objects: readonly KubeObject[]): Promise<void> {
  await writeAll(objects, async (obj) => {
    const result = await pass.deps.kube.createIfAbsent(obj);
    if (result.outcome === "created") {
      pass.state.writes++;
      pass.deps.logger.info(`Created ${obj.kind}`, { ...crRef(pass.cr), child: obj.metadata?.name });
    }
  });
}

const WORKLOAD_KINDS = new Set(["StatefulSet", "ReplicaSet"]);

/**
 * The plan's applies in up to three waves, each written at once, a wave only after the one before succeeded:
 * first what the pods of a set mount or resolve (every object the plan lists before its first StatefulSet or
 * ReplicaSet: the headless Service, the ConfigMap), then the sets, then everything after them (PDBs, dashboard
 * and listeners Services). So a refused set stops the pass before anything listed after it, as in plan order.
 */
export function applyWaves(objects: readonly KubeObject[]): KubeObject[][] {
  const isSet = (obj: KubeObject) => WORKLOAD_KINDS.has(obj.kind ?? "");
  const first = objects.findIndex(isSet);
  if (first < 0) return objects.length > 0 ? [[...objects]] : [];
  let end = first;
  while (end < objects.length && isSet(objects[end] as KubeObject)) end++;
  return [objects.slice(0, first), objects.slice(first, end), objects.slice(end)].filter((w) => w.length > 0);
}

/** Server-side applies in {@link applyWaves}, skipping the ones that could not change the live object. */
export async function applyChildren(pass: Pass, objects: readonly KubeObject[]): Promise<void> {
  for (const wave of applyWaves(objects)) {
    await writeAll(wave, async (obj) => {
      const live = liveChildOf(pass.observed, obj);
      if (isApplyNoop(obj, live)) return;
      const stored = await pass.deps.kube.apply(obj);
      if (stored.metadata?.resourceVersion === live?.metadata?.resourceVersion) return;
      pass.state.writes++;
      pass.deps.logger.info(`Applied ${obj.kind}`, { ...crRef(pass.cr), child: obj.metadata?.name });
    });
  }
}
