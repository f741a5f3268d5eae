/**
 * Scale, on one fresh sandbox (15 kwok nodes, pods start at once, the seed's EMQX 6.0.1 emulated):
 * 1. after one warm-up CR, the operator's scale curve: N = 1 / 10 / 50 copies of the seed example
 *    applied at once under the reconciler of `emqx-reconciler run` — time until all are Ready (max, median, p90),
 *    the reconciler's Kubernetes API requests in that window, CPU time and peak RSS of this process (reconciler
 *    plus benchmark harness); then the same for N = 200;
 * 2. reconciles per second for those 200 converged CRs in one namespace: `reconcile` driven for every key, 3
 *    rounds, 4 at a time (the embedded queue's concurrency), with this process pinned to CPU 0
 *    (`taskset -a -cp 0 <pid>` once the sandbox is up, so the sandbox's own processes are not pinned).
 * Run: `node test/bench/scale.ts`. Prints numbers; asserts nothing.
 */
import { execFileSync } from "node:child_process";
import { KubeGateway, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import {
  createEmqxApiFactory,
  cryptoRandom,
  type ReconcileDeps,
  type ReconcileResult,
  reconcile,
  systemClock,
} from "@emqx-reconciler/runtime";
import {
  applyCopies,
  type BenchSandbox,
  copyNames,
  createNamespace,
  openBenchSandbox,
  quantile,
  seconds,
  startQuietReconciler,
  stopReconciler,
  waitAllReady,
} from "../e2e/support/benchKit.ts";

const OPERATOR: Record<number, string> = {
  1: "3.5 s, 72 requests",
  10: "10.8 s (median 8.4 s), 623 requests",
  50: "53.7 s (median 41 s, p90 50.7 s), 2,962 requests",
};
const ROUNDS = 3;
const CONCURRENCY = 4;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Applies `count` copies at once into a fresh namespace and reports the time until all are Ready. */
async function curvePoint(bench: BenchSandbox, count: number, label = ""): Promise<void> {
  const namespace = `scale-${label || count}`;
  const names = copyNames(count);
  await createNamespace(bench, namespace);
  const loop = await startQuietReconciler(bench, namespace);
  await new Promise((resolve) => setTimeout(resolve, 500));
  loop.gateway.resetStats();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await applyCopies(bench, namespace, names);
  const ready = [...(await waitAllReady(bench, namespace, names, started)).values()];
  clearInterval(sampler);
  const used = process.cpuUsage(cpu);
  const stats = loop.gateway.stats();
  await stopReconciler(loop);
  const total = stats.reads + stats.writes;
  console.log(
    `  N=${String(count).padEnd(3)} ${label || "ours"}: all Ready ${seconds(Math.max(...ready))} (median ${seconds(quantile(ready, 0.5))}, p90 ${seconds(quantile(ready, 0.9))}), ${total} requests (${stats.reads} reads, ${stats.writes} writes; ${(total / count).toFixed(1)}/CR), this process: ${seconds((used.user + used.system) / 1000)} CPU, peak RSS ${mib(peakRss)}`,
  );
  if (OPERATOR[count] && !label) console.log(`         operator: ${OPERATOR[count]}`);
}

/** Drives `reconcile` over every key, `CONCURRENCY` at a time, `ROUNDS` times. */
async function drive(deps: ReconcileDeps, keys: Array<{ cluster: string; namespace: string; name: string }>) {
  const outcomes = new Map<string, number>();
  let writes = 0;
  const work = Array.from({ length: ROUNDS }, () => keys).flat();
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const key = work[next++];
      if (!key) return;
      const result: ReconcileResult = await reconcile(deps, key);
      outcomes.set(result.outcome, (outcomes.get(result.outcome) ?? 0) + 1);
      writes += result.writes;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { outcomes, writes, count: work.length };
}

function pinToCpu0(): string {
  try {
    execFileSync("taskset", ["-a", "-cp", "0", String(process.pid)], { stdio: "ignore" });
    return "pinned to CPU 0 with taskset";
  } catch {
    return "NOT pinned (taskset unavailable)";
  }
}

const bench = await openBenchSandbox("bench-scale", { podStartDelayMs: 0, nodes: 15 });
const gateway = new KubeGateway({ kubeConfig: loadKubeconfigFile(bench.sandbox.kubeconfigPath) });
try {
  console.log("copies of the seed example (2 cores, 3 replicants) applied at once, pods Ready at once:");
  await curvePoint(bench, 1, "warm-up");
  for (const count of [1, 10, 50, 200]) await curvePoint(bench, count);

  const pinned = pinToCpu0();
  const keys = copyNames(200).map((name) => ({ cluster: "bench", namespace: "scale-200", name }));
  const deps: ReconcileDeps = {
    kube: gateway,
    emqxApi: createEmqxApiFactory({ kube: gateway }),
    clock: systemClock,
    random: cryptoRandom,
    logger: quiet,
  };
  await drive(deps, keys.slice(0, 20));
  gateway.resetStats();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await drive(deps, keys);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const stats = gateway.stats();
  console.log(`\n200 converged CRs in one namespace, ${ROUNDS} rounds, ${CONCURRENCY} at a time, ${pinned}:`);
  console.log(
    `  ${result.count} reconciles in ${seconds(wallMs)}: ${(result.count / (wallMs / 1000)).toFixed(0)} reconciles/s (wall), ${(result.count / (cpuMs / 1000)).toFixed(0)} per CPU-second of this process (${seconds(cpuMs)} CPU)`,
  );
  console.log(
    `  outcomes ${JSON.stringify(Object.fromEntries(result.outcomes))}, writes ${result.writes}, Kubernetes requests per reconcile ${((stats.reads + stats.writes) / result.count).toFixed(1)} (${stats.writes} writes in all)`,
  );
  console.log("  operator: one worker, ≈ 4 reconciles of ≈ 0.27 s per CR; 20 requests/s client limit");
} finally {
  await gateway.close();
  await bench.close();
}
