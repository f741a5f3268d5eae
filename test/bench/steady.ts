/**
 * The steady state, in requests: `emqx-reconciler run` (the CLI from its sources, holding its Lease, serving one
 * namespace) behind a counting proxy on a sandbox of its own, idle over a window of real time once its N copies
 * of the seed example are Ready, without and then with the operator's Rebalance CRD installed; and one run of
 * the Lambda status function's workflow (`refreshStatus` reading directly, no cache), twice in a row as a warm
 * function runs it, for the same N. Requests counted by the proxy (load-independent); a benchmark, not a test: it
 * prints numbers and asserts nothing.
 * Run: `npm run bench -- steady [--sizes 1,10] [--steady-seconds 30]`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { KubeGateway, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { REBALANCE_CRD_NAME, renderRebalanceCrdYaml } from "@emqx-reconciler/api";
import {
  createEmqxApiFactory,
  RebalanceCrdMemory,
  refreshStatus,
  silentLogger,
  systemClock,
} from "@emqx-reconciler/runtime";
import {
  applyCopies,
  type BenchSandbox,
  copyNames,
  createNamespace,
  flagValue,
  openBenchSandbox,
  sleep,
  waitAllReady,
} from "../e2e/support/benchKit.ts";
import { stopProcess } from "./versusKit/contestants.ts";
import { type CountingProxy, type ProxyCounts, startCountingProxy } from "./versusKit/countingProxy.ts";

const SIZES = flagValue("--sizes", "1,10")
  .split(",")
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const STEADY_SECONDS = Number(flagValue("--steady-seconds", "30"));
const MAIN = join(import.meta.dirname, "..", "..", "packages", "cli", "src", "main.ts");

/** `run` for one namespace through `kubeconfig`, with its Lease, logging into `logFile`. */
function startRun(kubeconfig: string, namespace: string, logFile: string): ChildProcess {
  return spawn(
    "sh",
    [
      "-c",
      `exec "$0" "$@" >>"${logFile}" 2>&1`,
      process.execPath,
      MAIN,
      "run",
      "--kubeconfig",
      kubeconfig,
      "--namespace",
      namespace,
      "--log-format",
      "json",
    ],
    { stdio: "ignore" },
  );
}

const show = (counts: ProxyCounts) =>
  Object.entries(counts.byRequest)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([request, n]) => `${request} ${n}`)
    .join(", ") || "none";

/** The idle window of `run` with `size` Ready copies in a fresh namespace; returns the namespace. */
async function idleRun(
  bench: BenchSandbox,
  proxy: CountingProxy,
  kubeconfig: string,
  label: string,
  size: number,
) {
  const namespace = `steady-${label}-n${size}`;
  await createNamespace(bench, namespace);
  const logDir = await mkdtemp(join(tmpdir(), "steady-"));
  const child = startRun(kubeconfig, namespace, join(logDir, "run.log"));
  try {
    const names = copyNames(size);
    await applyCopies(bench, namespace, names);
    await waitAllReady(bench, namespace, names, performance.now());
    await sleep(5_000);
    proxy.reset();
    await sleep(STEADY_SECONDS * 1000);
    const counts = proxy.counts();
    console.log(
      `run, ${label}, N=${size}: ${counts.total} requests in ${STEADY_SECONDS} s (${(counts.total / size).toFixed(1)} per CR): ${show(counts)} (load ${loadavg()[0]?.toFixed(1)})`,
    );
  } finally {
    await stopProcess(child);
  }
  return namespace;
}

/**
 * Two runs of the Lambda status function's workflow (a cold function, then the same one warm) over the proxy,
 * reading directly, as a registry entry serving `namespaces` (all when omitted) has it.
 */
async function lambdaStatus(proxy: CountingProxy, kubeconfig: string, label: string, namespaces?: string[]) {
  const kube = new KubeGateway({
    kubeConfig: loadKubeconfigFile(kubeconfig),
    ...(namespaces ? { namespaces } : {}),
  });
  const deps = {
    kube,
    emqxApi: createEmqxApiFactory({ kube }),
    publisher: { putEvents: async () => ({ FailedEntryCount: 0, Entries: [] }) },
    clock: systemClock,
    logger: silentLogger,
    rebalance: true,
    rebalanceCrd: new RebalanceCrdMemory(),
  };
  try {
    for (const run of ["cold", "warm"]) {
      proxy.reset();
      const result = await refreshStatus(deps, "bench");
      const counts = proxy.counts();
      console.log(
        `status function, ${label}, ${run}, ${result.crs} CRs: ${counts.total} requests (${(counts.total / result.crs).toFixed(2)} per CR): ${show(counts)}`,
      );
    }
  } finally {
    await kube.close();
  }
}

const bench = await openBenchSandbox("bench-steady", { podStartDelayMs: 0, nodes: 15 });
const proxy = await startCountingProxy(loadKubeconfigFile(bench.sandbox.kubeconfigPath));
try {
  const kubeconfig = join(await mkdtemp(join(tmpdir(), "steady-")), "proxy.kubeconfig");
  await proxy.writeKubeconfig(kubeconfig);
  for (const label of ["no Rebalance CRD", "Rebalance CRD"]) {
    if (label === "Rebalance CRD") {
      await bench.sandbox.kubectl(["apply", "--server-side", "-f", "-"], { input: renderRebalanceCrdYaml() });
      await bench.sandbox.kubectl(["wait", "--for=condition=Established", `crd/${REBALANCE_CRD_NAME}`]);
    }
    const tag = label === "Rebalance CRD" ? "crd" : "nocrd";
    const namespaces: string[] = [];
    for (const size of SIZES) {
      const namespace = await idleRun(bench, proxy, kubeconfig, tag, size);
      await lambdaStatus(proxy, kubeconfig, `${label}, N=${size}, one namespace served`, [namespace]);
      namespaces.push(namespace);
    }
    await lambdaStatus(proxy, kubeconfig, `${label}, every namespace served (${namespaces.length} with CRs)`);
    for (const namespace of namespaces)
      await bench.sandbox.kubectl(["delete", "namespace", namespace, "--wait=true"]);
  }
} finally {
  await proxy.close();
  await bench.close();
}
