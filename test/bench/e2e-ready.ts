/**
 * Seed example, `kubectl apply` → `Ready`, under the reconciler of `emqx-reconciler run` (forwarder, bus, queue,
 * workflows) on a fresh sandbox: with the default pod start delays (1–3 s per pod, like a kubelet with a cached
 * image) and with pods that start at once (like for like with the operator's measurement).
 * Prints the time to Ready and the Kubernetes API requests the reconciler made in that window (its gateway's
 * counts: reads, writes, per verb and resource; `kubectl apply` itself not counted), and EMQX API calls.
 * Run: `node test/bench/e2e-ready.ts [--trials 3]`. Prints numbers; asserts nothing.
 */
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import {
  applyCopies,
  createNamespace,
  describeRequests,
  openBenchSandbox,
  seconds,
  startQuietReconciler,
  stopReconciler,
  waitAllReady,
} from "../e2e/support/benchKit.ts";

const trialsArg = process.argv.indexOf("--trials");
const TRIALS = trialsArg > 0 ? Number(process.argv[trialsArg + 1]) : 3;

async function measure(label: string, podStartDelayMs: number): Promise<void> {
  const bench = await openBenchSandbox(`bench-ready-${podStartDelayMs}`, { podStartDelayMs });
  try {
    const emulator = new EmulatorAdmin(bench.sandbox.emulatorAdminUrl ?? "");
    console.log(`\n${label}`);
    for (let trial = 1; trial <= TRIALS; trial++) {
      const namespace = `ready-${trial}`;
      await createNamespace(bench, namespace);
      const reconciler = await startQuietReconciler(bench, namespace);
      await new Promise((resolve) => setTimeout(resolve, 500));
      reconciler.gateway.resetStats();
      await emulator.resetRequests();
      const started = performance.now();
      await applyCopies(bench, namespace, ["emqx"]);
      const ready = await waitAllReady(bench, namespace, ["emqx"], started);
      const stats = reconciler.gateway.stats();
      const emqx = await emulator.requests();
      await stopReconciler(reconciler);
      console.log(`  trial ${trial}: Ready after ${seconds(ready.get("emqx") ?? Number.NaN)}`);
      console.log(`    Kubernetes requests ${describeRequests(stats)}`);
      console.log(`    EMQX API requests ${emqx.total}: ${JSON.stringify(emqx.byPath)}`);
    }
  } finally {
    await bench.close();
  }
}

console.log("seed example (2 cores, 3 replicants), kubectl apply → Ready; operator 2.2.30:");
console.log("  3.0–3.9 s with pods Ready at once, 59–70 Kubernetes API requests");
await measure("ours, default pod start delays (1–3 s per pod):", 1_000);
await measure("ours, pods start at once (like for like):", 0);
