/**
 * The embedded read cache on and off, interleaved on one sandbox (pods Ready at once): the seed example from
 * `kubectl apply` to `Ready` (time, Kubernetes requests of the reconciler, reconcile passes), then the requests
 * of the converged CR over a steady window (status refresher every 10 s, hints from watches only).
 * Run: `npm run bench -- readCache [--trials 3] [--steady-seconds 30]`. Prints numbers; asserts nothing.
 */
import type { RequestStatsSnapshot } from "@emqx-reconciler/adapters";
import {
  applyCopies,
  createNamespace,
  describeRequests,
  openBenchSandbox,
  seconds,
  sleep,
  startQuietReconciler,
  stopReconciler,
  waitAllReady,
} from "../e2e/support/benchKit.ts";

function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

const TRIALS = numberArg("--trials", 3);
const STEADY_SECONDS = numberArg("--steady-seconds", 30);

/** Requests other than the forwarder's long-running watches (those are one per kind, held open). */
function requestsBesidesWatches(stats: RequestStatsSnapshot): number {
  const watches = Object.entries(stats.byRequest)
    .filter(([request]) => request.startsWith("WATCH"))
    .reduce((sum, [, count]) => sum + count, 0);
  return stats.reads + stats.writes - watches;
}

interface Trial {
  readyMs: number;
  requests: number;
  passes: number;
  steady: number | undefined;
  detail: string;
}

async function trial(
  bench: Awaited<ReturnType<typeof openBenchSandbox>>,
  namespace: string,
  readCache: boolean,
  steady: boolean,
): Promise<Trial> {
  await createNamespace(bench, namespace);
  const reconciler = await startQuietReconciler(bench, namespace, { readCache });
  try {
    await sleep(500);
    reconciler.gateway.resetStats();
    const runsBefore = reconciler.runtime.queue.metrics().runs;
    const started = performance.now();
    await applyCopies(bench, namespace, ["emqx"]);
    const ready = await waitAllReady(bench, namespace, ["emqx"], started);
    const stats = reconciler.gateway.stats();
    const passes = reconciler.runtime.queue.metrics().runs - runsBefore;
    let steadyRequests: number | undefined;
    if (steady) {
      await sleep(3_000);
      reconciler.gateway.resetStats();
      await sleep(STEADY_SECONDS * 1000);
      steadyRequests = requestsBesidesWatches(reconciler.gateway.stats());
    }
    return {
      readyMs: ready.get("emqx") ?? Number.NaN,
      requests: requestsBesidesWatches(stats),
      passes,
      steady: steadyRequests,
      detail: describeRequests(stats),
    };
  } finally {
    await stopReconciler(reconciler);
  }
}

console.log(
  "seed example (2 cores, 3 replicants), pods Ready at once; operator 2.2.30 on the same kind of sandbox:",
);
console.log("  Ready after 3.0–3.9 s, 59–70 requests; steady state ≈ 20 requests per CR per 30 s");
const bench = await openBenchSandbox("bench-read-cache", { podStartDelayMs: 0 });
try {
  for (let n = 1; n <= TRIALS; n++) {
    for (const readCache of [true, false]) {
      const label = readCache ? "cache " : "direct";
      const t = await trial(bench, `cache-${n}-${readCache ? "on" : "off"}`, readCache, n === 1);
      const steady = t.steady === undefined ? "" : `; steady ${t.steady} requests / ${STEADY_SECONDS} s`;
      console.log(
        `  ${label} trial ${n}: Ready after ${seconds(t.readyMs)}, ${t.requests} requests, ${t.passes} passes${steady}`,
      );
      console.log(`    ${t.detail}`);
    }
  }
} finally {
  await bench.close();
}
