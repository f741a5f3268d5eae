/**
 * What an already converged CR costs, on a fresh sandbox (pods start at once) with the seed example taken to Ready
 * by the reconciler of `emqx-reconciler run`:
 * 1. ONE reconcile pass (the workflow the queue and the Lambda call): Kubernetes API requests split into reads and
 *    writes, per verb and resource (goal: no writes, at most one read per owned kind), EMQX API calls, latency;
 * 2. the steady state of the running loop over 30 s (status refresher every 10 s, no hint arrives), beside the
 *    operator's ≈ 20 Kubernetes requests per CR per 30 s.
 * Run: `node test/bench/converged.ts`. Prints numbers; asserts nothing.
 */
import { KubeGateway, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import {
  createEmqxApiFactory,
  cryptoRandom,
  type ReconcileDeps,
  reconcile,
  systemClock,
} from "@emqx-reconciler/runtime";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import {
  applyCopies,
  createNamespace,
  describeRequests,
  openBenchSandbox,
  quantile,
  sleep,
  startQuietReconciler,
  stopReconciler,
  waitAllReady,
} from "../e2e/support/benchKit.ts";

const NS = "converged";
const KEY = { cluster: "bench", namespace: NS, name: "emqx" };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const bench = await openBenchSandbox("bench-converged", { podStartDelayMs: 0 });
const gateway = new KubeGateway({ kubeConfig: loadKubeconfigFile(bench.sandbox.kubeconfigPath) });
try {
  const emulator = new EmulatorAdmin(bench.sandbox.emulatorAdminUrl ?? "");
  await createNamespace(bench, NS);
  const loop = await startQuietReconciler(bench, NS);
  await applyCopies(bench, NS, ["emqx"]);
  await waitAllReady(bench, NS, ["emqx"], performance.now());
  await sleep(3_000);
  await loop.runtime.queue.idle();

  loop.gateway.resetStats();
  await emulator.resetRequests();
  await sleep(30_000);
  const steady = loop.gateway.stats();
  const steadyEmqx = await emulator.requests();
  await stopReconciler(loop);

  const deps: ReconcileDeps = {
    kube: gateway,
    emqxApi: createEmqxApiFactory({ kube: gateway }),
    clock: systemClock,
    random: cryptoRandom,
    logger: quiet,
  };
  await reconcile(deps, KEY);
  gateway.resetStats();
  await emulator.resetRequests();
  const one = await reconcile(deps, KEY);
  const stats = gateway.stats();
  const emqx = await emulator.requests();

  const times: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    await reconcile(deps, KEY);
    times.push(performance.now() - t0);
  }
  const ms = (q: number) => `${quantile(times, q).toFixed(1)} ms`;

  console.log("one reconcile of the converged seed example (2 cores, 3 replicants):");
  console.log(`  outcome ${one.outcome}, ${one.writes} writes reported by the workflow`);
  console.log(`  Kubernetes requests ${describeRequests(stats)}`);
  console.log(`  EMQX API requests ${emqx.total}: ${JSON.stringify(emqx.byPath)}`);
  console.log(`  latency over 100 passes: p50 ${ms(0.5)}, p90 ${ms(0.9)}, max ${ms(1)}`);
  console.log("steady state of the running loop, one Ready CR, 30 s (status refresh every 10 s):");
  console.log(`  ours: Kubernetes requests ${describeRequests(steady)}`);
  console.log(`        EMQX API requests ${steadyEmqx.total}: ${JSON.stringify(steadyEmqx.byPath)}`);
  console.log(
    "  operator 2.2.30: ≈ 20 Kubernetes requests per CR per 30 s (10 PATCH pods/status, 2 PUT emqxes/status,",
  );
  console.log(
    "    2 POST secrets → 409, 3 GET services, 2 GET poddisruptionbudgets, 1 GET /version), 15 EMQX API calls",
  );
} finally {
  await gateway.close();
  await bench.close();
}
