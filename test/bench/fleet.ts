/**
 * A fleet on one machine: FLEET_CLUSTERS namespaces, each standing for a cluster with its own reconciler (as
 * `run` composes it), FLEET_CRS one-core CRs in each, all taken to Ready on a fresh sandbox (pods start at once).
 * Then one status refresh of every CR at once — wall time, Kubernetes and EMQX API requests per CR, process
 * memory — and the `emqx-reconciler status` view of the fleet (one list per cluster).
 * Run: `npm run bench -- fleet` (FLEET_CLUSTERS=10 FLEET_CRS=2 by default). Prints numbers; asserts nothing.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import type { RunningReconciler } from "emqx-reconciler";
import { fleetRow } from "../../packages/cli/src/fleetStatus.ts";
import {
  createNamespace,
  openBenchSandbox,
  seconds,
  sleep,
  startQuietReconciler,
  stopReconciler,
  waitAllReady,
} from "../e2e/support/benchKit.ts";

const CLUSTERS = Number(process.env.FLEET_CLUSTERS ?? 10);
const CRS = Number(process.env.FLEET_CRS ?? 2);
const names = Array.from({ length: CRS }, (_, i) => `emqx-${i}`);
const namespaces = Array.from({ length: CLUSTERS }, (_, i) => `cluster-${String(i).padStart(3, "0")}`);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function crs(): string {
  return names
    .map((name) =>
      JSON.stringify({
        apiVersion: "apps.emqx.io/v2beta1",
        kind: "EMQX",
        metadata: { name },
        spec: { image: "emqx/emqx:5.8.6", coreTemplate: { spec: { replicas: 1 } } },
      }),
    )
    .join("\n---\n");
}

const bench = await openBenchSandbox("bench-fleet", { podStartDelayMs: 0 });
const loops: RunningReconciler[] = [];
try {
  const emulator = new EmulatorAdmin(bench.sandbox.emulatorAdminUrl ?? "");
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  for (const ns of namespaces) {
    await createNamespace(bench, ns);
    loops.push(await startQuietReconciler(bench, ns));
    const applied = await bench.sandbox.kubectl(["apply", "-n", ns, "-f", "-"], { input: crs() });
    if (applied.code !== 0) throw new Error(applied.stderr);
  }
  await Promise.all(namespaces.map((ns) => waitAllReady(bench, ns, names, started, 200)));
  const toReady = performance.now() - started;
  await sleep(3_000);
  await Promise.all(loops.map((l) => l.runtime.queue.idle()));

  for (const l of loops) l.gateway.resetStats();
  await emulator.resetRequests();
  const t0 = performance.now();
  await Promise.all(loops.map((l) => l.runtime.refreshStatusNow()));
  await Promise.all(loops.map((l) => l.runtime.queue.idle()));
  const refresh = performance.now() - t0;
  const kube = loops.map((l) => l.gateway.stats());
  const reads = kube.reduce((n, s) => n + s.reads, 0);
  const writes = kube.reduce((n, s) => n + s.writes, 0);
  const emqx = await emulator.requests();
  const rss = process.memoryUsage().rss;

  const t1 = performance.now();
  const lists = await Promise.all(namespaces.map((ns) => bench.observer.listEmqx(ns)));
  const rows = lists.flatMap((l, i) =>
    l.items.map((cr: KubeObject) => fleetRow(namespaces[i] ?? "", cr as never)),
  );
  const view = performance.now() - t1;

  const total = CLUSTERS * CRS;
  console.log(
    `fleet: ${CLUSTERS} clusters (namespaces, one reconciler each) × ${CRS} one-core CRs = ${total} CRs`,
  );
  console.log(`  all Ready after ${seconds(toReady)}`);
  console.log(`  one status refresh of every CR: ${seconds(refresh)} wall`);
  console.log(
    `    Kubernetes requests ${reads + writes} (${reads} reads, ${writes} writes) = ${((reads + writes) / total).toFixed(1)} per CR`,
  );
  console.log(`    EMQX API requests ${emqx.total} = ${(emqx.total / total).toFixed(1)} per CR`);
  console.log(`  process RSS ${mib(rss)} (${mib(rss - rssBefore)} more than before the fleet)`);
  console.log(
    `  status view: ${rows.length} rows, ${rows.filter((r) => r.ready).length} Ready, ${CLUSTERS} list requests, ${seconds(view)}`,
  );
} finally {
  for (const l of loops) await stopReconciler(l);
  await bench.close();
}
