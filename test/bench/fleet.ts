/**
 * A fleet on one machine: FLEET_CLUSTERS namespaces of one sandbox, each standing for a registered cluster,
 * FLEET_CRS one-core CRs in each, taken to Ready by one embedded reconciler (pods start at once). Then, as the
 * Lambda functions do it (one gateway with the registry's default rate limit and one EMQX API factory per
 * cluster, no watch cache):
 *  - one status run over every cluster, twice (the first opens connections and reads credentials): wall time,
 *    Kubernetes and EMQX API requests per CR, memory, and the busiest cluster against the per-cluster caps;
 *  - one converged reconcile pass of one CR per cluster: requests, time and log bytes per pass;
 *  - a forwarder shard over every cluster in a process of its own: memory per cluster watched (so clusters per
 *    shard at 128 and 256 MB), the opening lists' hints, and the hints/s one vCPU (and a 128 / 256 MB Lambda's
 *    share of one) sustains when every CR changes at once.
 * The shard runs with the V8 heap flags Lambda gives a function of FLEET_SHARD_MB (default 512) and reads its
 * memory after a memory-reducing collection (what its clusters hold), beside its peak RSS (what the opening
 * burst needed).
 * The counts go to FLEET_OUT (default `~/.cache/emqx-reconciler/bench/fleet.json`) for `npm run bench -- cost`.
 * Run: `npm run bench -- fleet` (FLEET_CLUSTERS=10 FLEET_CRS=2 by default; on a quiet 2-core machine 100 × 1 takes
 * about 1.5 minutes, 100 × 10 about 7 with five kwok nodes). `npm run bench -- fleet --forwarder-only` skips the
 * Lambda path and replaces only the forwarder's counts of an existing FLEET_OUT (e.g. FLEET_CLUSTERS=1000
 * FLEET_CRS=1 for the shard alone). Prints numbers; asserts nothing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { type KubeObject, type KubeTarget, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import type { EmqxStatus } from "@emqx-reconciler/api";
import { mapBounded } from "@emqx-reconciler/runtime";
import { createLogger, StatusBoard, startReconciler } from "emqx-reconciler";
import { fleetRow } from "../../packages/cli/src/fleetStatus.ts";
import {
  createNamespace,
  openBenchSandbox,
  quantile,
  seconds,
  sleep,
  stopReconciler,
} from "../e2e/support/benchKit.ts";
import { measureForwarder } from "./fleetKit/forwarderBench.ts";
import { CLUSTER_RATE_LIMIT, type FleetPass, LambdaFleet, STATUS_CAPS } from "./fleetKit/lambdaPath.ts";

const CLUSTERS = Number(process.env.FLEET_CLUSTERS ?? 10);
const CRS = Number(process.env.FLEET_CRS ?? 2);
const OUT = process.env.FLEET_OUT ?? join(homedir(), ".cache", "emqx-reconciler", "bench", "fleet.json");
const FORWARDER_ONLY = process.argv.includes("--forwarder-only");
/** The Lambda memory whose V8 heap flags the shard runs with. */
const SHARD_MB = Number(process.env.FLEET_SHARD_MB ?? 512);
/** Which transports to measure the shard over (HTTP/1.1 opens a connection per watch: heavy at 1,000 clusters). */
const PROTOCOLS = (process.env.FLEET_PROTOCOLS ?? "http1,http2")
  .split(",")
  .filter((p): p is "http1" | "http2" => p === "http1" || p === "http2");
/**
 * Clusters of the shard that open at once, as the forwarder function's FORWARDER_OPEN_CONCURRENCY (0: all); a
 * comma-separated list measures the shard once per value (e.g. `0,50` for before and after), the last one's
 * counts go to FLEET_OUT.
 */
const OPEN_CONCURRENCIES = (process.env.FLEET_OPEN_CONCURRENCY ?? "50").split(",").map(Number);
/** The shard's V8 semi-space size in MB, as the forwarder function's NODE_OPTIONS sets it (unset: Lambda's). */
const SEMI_SPACE_MB = process.env.FLEET_SEMI_SPACE_MB ? Number(process.env.FLEET_SEMI_SPACE_MB) : undefined;
const total = CLUSTERS * CRS;
const names = Array.from({ length: CRS }, (_, i) => `emqx-${i}`);
const namespaces = Array.from({ length: CLUSTERS }, (_, i) => `cluster-${String(i).padStart(3, "0")}`);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const per = (n: number, d: number, digits = 1) => (d === 0 ? "–" : (n / d).toFixed(digits));

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

const isReady = (cr: KubeObject) =>
  (cr.status as EmqxStatus | undefined)?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ??
  false;

function printPass(title: string, pass: FleetPass): void {
  const requests = pass.kube.reads + pass.kube.writes;
  console.log(`  ${title}: ${seconds(pass.wallMs)} wall, ${JSON.stringify(pass.outcomes)}`);
  console.log(
    `    Kubernetes ${requests} requests (${pass.kube.reads} reads, ${pass.kube.writes} writes) = ${per(requests, total, 2)} per CR`,
  );
  console.log(`    EMQX API ${pass.emqxCalls} calls = ${per(pass.emqxCalls, total, 2)} per CR`);
  console.log(
    `    bus entries ${pass.busEntries}, log ${pass.logLines} lines / ${pass.logBytes} B, RSS ${pass.rssDeltaBytes >= 0 ? "+" : ""}${mib(pass.rssDeltaBytes)}`,
  );
}

/** The Lambda path: status runs and one converged reconcile pass per cluster, as the functions make them. */
async function measureLambdaPath(kubeConfig: KubeTarget) {
  const fleet = new LambdaFleet(kubeConfig, namespaces);
  console.log(
    `  Lambda path: per cluster one gateway (${CLUSTER_RATE_LIMIT.qps} qps / ${CLUSTER_RATE_LIMIT.burst} burst), ${STATUS_CAPS.clusters} clusters and ${STATUS_CAPS.crsPerCluster} CRs per cluster at once`,
  );
  const cold = await fleet.refreshAll();
  printPass("status run, first (connections, credentials)", cold);
  const warm = await fleet.refreshAll();
  printPass("status run, steady state", warm);
  console.log(
    `    busiest cluster: ${warm.peak.kube.inFlight} Kubernetes calls in flight, ${warm.peak.kube.perSecond} started in one second (cap ${CLUSTER_RATE_LIMIT.qps} qps + ${CLUSTER_RATE_LIMIT.burst} burst); ${warm.peak.crsInFlight} CRs at once (cap ${STATUS_CAPS.crsPerCluster}); ${warm.peak.emqx.inFlight} EMQX calls in flight`,
  );
  const passes = await fleet.reconcileEach(names.slice(0, 1));
  printPass(`reconcile, one CR per cluster (${CLUSTERS} passes, 8 at once)`, passes);
  const passP50 = quantile(passes.passMs, 0.5);
  const passP99 = quantile(passes.passMs, 0.99);
  console.log(`    one pass: p50 ${passP50.toFixed(0)} ms, p99 ${passP99.toFixed(0)} ms`);
  await fleet.close();

  return {
    clusters: CLUSTERS,
    crsPerCluster: CRS,
    statusRun: {
      wallMs: warm.wallMs,
      kubeRequests: warm.kube.reads + warm.kube.writes,
      emqxCalls: warm.emqxCalls,
      logBytes: warm.logBytes,
      busEntries: warm.busEntries,
    },
    reconcilePass: {
      p50Ms: passP50,
      p99Ms: passP99,
      kubeRequests: (passes.kube.reads + passes.kube.writes) / CLUSTERS,
      emqxCalls: passes.emqxCalls / CLUSTERS,
      logBytes: passes.logBytes / CLUSTERS,
      outcomes: passes.outcomes,
    },
  };
}

/** A kwok node takes 250 pods: enough nodes for one core pod per CR, with room. */
const nodes = Math.max(3, Math.ceil(total / 200));
const bench = await openBenchSandbox("bench-fleet", { podStartDelayMs: 0, nodes });
const kubeConfig = loadKubeconfigFile(bench.sandbox.kubeconfigPath);
try {
  console.log(`fleet: ${CLUSTERS} clusters (namespaces) × ${CRS} one-core CRs = ${total} CRs`);
  const started = performance.now();
  await mapBounded(namespaces, 4, async (ns) => {
    await createNamespace(bench, ns);
    const applied = await bench.sandbox.kubectl(["apply", "-n", ns, "-f", "-"], { input: crs() });
    if (applied.code !== 0) throw new Error(applied.stderr);
  });
  const appliedMs = performance.now() - started;
  const reconciler = await startReconciler({
    kubeConfig,
    cluster: "bench",
    logger: createLogger({ format: "json", write: () => {} }),
    board: new StatusBoard(),
    workers: 16,
  });
  let ready = 0;
  while (ready < total) {
    if (performance.now() - started > 40 * 60_000)
      throw new Error(`only ${ready}/${total} Ready after 40 min`);
    await sleep(2_000);
    ready = (await bench.observer.listEmqx()).items.filter(isReady).length;
  }
  const toReady = performance.now() - started;
  await reconciler.runtime.queue.idle();
  await stopReconciler(reconciler);
  console.log(
    `  all Ready after ${seconds(toReady)} (kubectl apply of all ${seconds(appliedMs)}; one embedded reconciler, 16 workers)`,
  );

  const lambda = FORWARDER_ONLY
    ? undefined
    : { ...(await measureLambdaPath(kubeConfig)), toReadyMs: toReady };
  let forwarder: Awaited<ReturnType<typeof measureForwarder>> | undefined;
  for (const open of OPEN_CONCURRENCIES)
    forwarder = await measureForwarder(bench, namespaces, names, SHARD_MB, PROTOCOLS, open, SEMI_SPACE_MB);

  const t1 = performance.now();
  const list = await bench.observer.listEmqx();
  const rows = list.items.map((cr: KubeObject) => fleetRow(cr.metadata?.namespace ?? "", cr as never));
  console.log(
    `  status view: ${rows.length} rows, ${rows.filter((r) => r.ready).length} Ready, one list, ${seconds(performance.now() - t1)}`,
  );

  const previous = existsSync(OUT) ? JSON.parse(readFileSync(OUT, "utf8")) : {};
  const measured = lambda ? { ...lambda, forwarder } : { ...previous, forwarder };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(measured, null, 2)}\n`);
  console.log(`  counts for the cost model written to ${OUT}`);
} finally {
  await bench.close();
}
