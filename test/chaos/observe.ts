/**
 * Reading what the invariants judge, from the harness's own gateway (never the reconciler's, whose requests are
 * counted): the CR, its children, the emulated EMQX cluster, and — only once everything else holds, since it costs
 * a dry-run apply per child — `plan --live` of the CR.
 */
import type { KubeGateway } from "@emqx-reconciler/adapters";
import {
  createEmqxApiFactory,
  planLive,
  readOnlyEmqxApi,
  readOnlyKube,
  silentLogger,
  systemClock,
} from "@emqx-reconciler/runtime";
import type { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import { sleep } from "../e2e/support/testbed.ts";
import { type ChaosCr, convergenceProblems, type Observation } from "./invariants.ts";

/** Where the CR lives and how to read it. */
export interface ObserveTarget {
  observer: KubeGateway;
  emulator: EmulatorAdmin;
  namespace: string;
  name: string;
}

/** One reading; `withPlan` adds `plan --live` (else it counts as converged). */
export async function observe(target: ObserveTarget, withPlan: boolean): Promise<Observation> {
  const { observer, emulator, namespace, name } = target;
  const [cr, children, clusters] = await Promise.all([
    observer.getEmqx(namespace, name) as Promise<ChaosCr | undefined>,
    observer.listChildren(namespace, name),
    emulator.clusters(),
  ]);
  const emqx = clusters.find((c) => c.key === `${namespace}/${name}`);
  if (!withPlan || !cr) return { cr, children, emqx, planConverged: true, planPending: [] };
  const kube = readOnlyKube(observer);
  const emqxApi = readOnlyEmqxApi(createEmqxApiFactory({ kube }));
  const report = await planLive(
    { kube, emqxApi, clock: systemClock, logger: silentLogger },
    { namespace, name },
  );
  const planPending = [
    ...report.objects.map((o) => `${o.action} ${o.kind}/${o.name} ${o.fields.map((f) => f.path).join(",")}`),
    ...report.emqx.map((r) => `EMQX ${r}`),
    ...report.status.map((f) => `status ${f.path}`),
  ];
  return { cr, children, emqx, planConverged: report.converged, planPending };
}

/** Pause between two readings while waiting: a reading is 9 requests, the machine is shared. */
const POLL_MS = 1_000;

/**
 * Waits, at most `boundMs`, until the CR is converged; resolves to the problems of the last reading (empty: it
 * converged). A failed reading (the apiserver restarting) counts as a problem and is retried.
 */
export async function waitConverged(target: ObserveTarget, boundMs: number): Promise<string[]> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    let problems: string[];
    try {
      problems = convergenceProblems(await observe(target, false));
      if (problems.length === 0) problems = convergenceProblems(await observe(target, true));
    } catch (error) {
      problems = [`reading failed: ${(error as Error).message}`];
    }
    if (problems.length === 0 || Date.now() > deadline) return problems;
    await sleep(POLL_MS);
  }
}
