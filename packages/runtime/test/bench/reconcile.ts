/**
 * Reconcile workflow on a fresh sandbox (pods start at once, or with `--delay-ms N`): the seed example from
 * `kubectl apply` to a converged `Ready` driven by a plain reconcile loop (Kubernetes and EMQX API requests in that
 * window), then one converged pass (requests split into reads and writes, EMQX API calls, latency over 50 passes).
 * Run: `node packages/runtime/test/bench/reconcile.ts [--delay-ms 1000]`. Prints numbers; asserts nothing.
 */
import { KubeGateway, type KubeObject, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { CRD_NAME, renderCrd } from "@emqx-reconciler/api";
import { plan } from "@emqx-reconciler/core";
import { startSandbox } from "@emqx-reconciler/sandbox";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import type { ReconcileDeps } from "../../src/ports.ts";
import { createEmqxApiFactory } from "../../src/workflows/emqxApiFactory.ts";
import { readEmqxView } from "../../src/workflows/readEmqxView.ts";
import { readObserved } from "../../src/workflows/readObserved.ts";
import { reconcile } from "../../src/workflows/reconcile.ts";
import { cryptoRandom, systemClock } from "../../src/workflows/systemSources.ts";

const delayArg = process.argv.indexOf("--delay-ms");
const podStartDelayMs = delayArg > 0 ? Number(process.argv[delayArg + 1]) : 0;
const NS = "bench";
const KEY = { cluster: "bench", namespace: NS, name: "emqx" };
const SEED = new URL("../../../../examples/emqx-core-replicant.yaml", import.meta.url).pathname;
const quiet = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const sandbox = await startSandbox({
  name: `bench-rec-${process.pid}`,
  podStartDelayMs,
  onProgress: () => {},
});
const gateway = new KubeGateway({ kubeConfig: loadKubeconfigFile(sandbox.kubeconfigPath) });
try {
  const admin = new EmulatorAdmin(sandbox.emulatorAdminUrl ?? "");
  await gateway.apply(renderCrd() as KubeObject);
  while (
    !JSON.stringify((await gateway.get("CustomResourceDefinition", undefined, CRD_NAME))?.status).includes(
      "Established",
    )
  )
    await sleep(100);
  await gateway.createIfAbsent({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
  const deps: ReconcileDeps = {
    kube: gateway,
    emqxApi: createEmqxApiFactory({ kube: gateway }),
    clock: systemClock,
    random: cryptoRandom,
    logger: quiet,
  };

  gateway.resetStats();
  await admin.resetRequests();
  const started = performance.now();
  const applied = await sandbox.kubectl(["apply", "-n", NS, "-f", SEED]);
  if (applied.code !== 0) throw new Error(applied.stderr);
  let passes = 0;
  for (;;) {
    passes++;
    const result = await reconcile(deps, KEY);
    if (result.outcome === "converged") break;
    await sleep(
      result.requeueAfterSeconds !== undefined ? Math.min(result.requeueAfterSeconds * 1000, 1000) : 100,
    );
  }
  const toReady = performance.now() - started;
  const window = gateway.stats();
  const emqxWindow = await admin.requests();
  console.log(
    `seed example, apply → converged Ready (pod start delay ${podStartDelayMs} ms, reconcile loop):`,
  );
  console.log(`  ${(toReady / 1000).toFixed(2)} s, ${passes} passes`);
  console.log(
    `  Kubernetes requests: ${window.reads} reads + ${window.writes} writes (reconciler only; kubectl apply not counted)`,
  );
  console.log(`  EMQX API requests: ${emqxWindow.total}`);

  gateway.resetStats();
  await admin.resetRequests();
  const one = await reconcile(deps, KEY);
  const stats = gateway.stats();
  const emqx = await admin.requests();
  console.log(`one converged pass: outcome ${one.outcome}, ${one.writes} writes`);
  console.log(
    `  Kubernetes: ${stats.reads} reads, ${stats.writes} writes: ${JSON.stringify(stats.byRequest)}`,
  );
  console.log(`  EMQX API: ${emqx.total}: ${JSON.stringify(emqx.byPath)}`);

  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await reconcile(deps, KEY);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => (times[Math.floor((times.length - 1) * p)] ?? 0).toFixed(1);
  console.log(`converged pass latency over 50: p50 ${pct(0.5)} ms, p90 ${pct(0.9)} ms, max ${pct(1)} ms`);

  const phases = { kube: 0, emqx: 0, plan: 0 };
  for (let i = 0; i < 20; i++) {
    let t = performance.now();
    const cr = (await gateway.getEmqx(NS, "emqx")) as KubeObject;
    const observed = await readObserved(gateway, cr);
    phases.kube += performance.now() - t;
    t = performance.now();
    const session = await readEmqxView(deps.emqxApi, cr, observed, quiet);
    phases.emqx += performance.now() - t;
    t = performance.now();
    plan({
      emqx: cr as Parameters<typeof plan>[0]["emqx"],
      observed,
      api: session.emqxView,
      now: new Date(),
      random: { password: "", cookie: "" },
    });
    phases.plan += performance.now() - t;
  }
  const avg = (ms: number) => `${(ms / 20).toFixed(1)} ms`;
  console.log(
    `  mean split: Kubernetes reads ${avg(phases.kube)}, EMQX API ${avg(phases.emqx)}, plan ${avg(phases.plan)}`,
  );
} finally {
  await gateway.close();
  await sandbox.stop();
}
