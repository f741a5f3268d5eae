/**
 * Many CRs of one namespace at a glance, for tests that apply a batch at once: which are Ready, which have more
 * than one StatefulSet or ReplicaSet (the runaway-set symptom), which report `TemplateDrift`; and the reconciler's
 * writes over full rounds of the loop once they have converged.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { ConditionType, type EmqxStatus } from "@emqx-reconciler/api";
import type { EmbeddedReconciler } from "./embedded.ts";
import { kubectl, type Testbed, waitFor } from "./testbed.ts";

/** One reading of every CR of a namespace. */
export interface Census {
  ready: string[];
  notReady: Array<{ name: string; state?: string }>;
  /** CRs with more than one StatefulSet or ReplicaSet. */
  multiplied: Array<{ name: string; statefulSets: number; replicaSets: number }>;
  drift: string[];
}

function isReady(status: EmqxStatus | undefined): boolean {
  return status?.conditions?.some((c) => c.type === ConditionType.Ready && c.status === "True") ?? false;
}

/** Reads every CR and set of the namespace at once. */
export async function census(testbed: Testbed, namespace: string): Promise<Census> {
  const [crs, statefulSets, replicaSets] = await Promise.all([
    testbed.gateway.listEmqx(namespace),
    testbed.gateway.list("StatefulSet", { namespace }),
    testbed.gateway.list("ReplicaSet", { namespace }),
  ]);
  const owned = (sets: readonly KubeObject[], uid: string | undefined) =>
    sets.filter((s) => s.metadata?.ownerReferences?.some((o) => o.uid === uid)).length;
  const out: Census = { ready: [], notReady: [], multiplied: [], drift: [] };
  for (const cr of crs.items) {
    const name = cr.metadata?.name ?? "";
    const status = cr.status as EmqxStatus | undefined;
    if (isReady(status)) out.ready.push(name);
    else out.notReady.push({ name, state: status?.conditions?.find((c) => c.status === "True")?.type });
    const sts = owned(statefulSets.items, cr.metadata?.uid);
    const rs = owned(replicaSets.items, cr.metadata?.uid);
    if (sts > 1 || rs > 1) out.multiplied.push({ name, statefulSets: sts, replicaSets: rs });
    if (status?.conditions?.some((c) => c.type === ConditionType.TemplateDrift)) out.drift.push(name);
  }
  return out;
}

/** `kubectl apply` of many objects in one call. */
export async function applyList(testbed: Testbed, items: readonly object[]): Promise<void> {
  await kubectl(testbed, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
}

/** Waits until every named CR is Ready; fails at once if any CR ever has more than one set per role. */
export async function waitAllReady(
  testbed: Testbed,
  namespace: string,
  names: readonly string[],
  timeoutMs: number,
): Promise<Census> {
  let last: Census | undefined;
  return waitFor(
    `${names.length} CRs Ready`,
    async () => {
      last = await census(testbed, namespace);
      if (last.multiplied.length > 0) throw new Error(`sets multiplied: ${JSON.stringify(last.multiplied)}`);
      return names.every((n) => last?.ready.includes(n)) ? last : undefined;
    },
    timeoutMs,
    async () => last?.notReady,
  );
}

/** The reconciler's writes over three full rounds of the loop (resync + status refresh), after one to settle. */
export async function writesOverThreeRounds(
  embedded: EmbeddedReconciler,
): Promise<{ writes: number; byRequest: Record<string, number> }> {
  const { gateway } = embedded.reconciler;
  await embedded.settle();
  gateway.resetStats();
  for (let round = 0; round < 3; round++) await embedded.settle();
  const stats = gateway.stats();
  const writes = Object.fromEntries(
    Object.entries(stats.byRequest).filter(([request]) => !/^(get|list|watch)\b/i.test(request)),
  );
  return { writes: stats.writes, byRequest: writes };
}
