/**
 * A forwarder shard in a process of its own (the Lambda's stand-in), driven by the fleet benchmark over
 * stdin/stdout with one JSON line per step. Arguments: the sandbox kubeconfig path, the namespaces (each one
 * registered cluster, with its own gateway and connections) joined by commas, how many CRs they hold, and
 * `http1` or `http2` (one connection per watch, or one multiplexed connection per cluster), and how many
 * clusters may open at once (the forwarder function's `FORWARDER_OPEN_CONCURRENCY`; 0 for all at once).
 *  1. prints `baseline`: memory after loading the workflows, before any cluster;
 *  2. opens one watch window per cluster into one shared batcher, waits for the `resync` hint of every CR
 *     (the window's opening lists), lets it settle and prints `watching`: memory and the lists' time and CPU;
 *  3. on `burst <n>`, counts until `n` more hints are published and prints `burst`: time and CPU spent;
 *  4. on `stop`, closes the windows and exits.
 * Run with `--expose-gc`, so memory is read after a memory-reducing full collection; `peakRss` is the most the
 * process held (the opening lists' burst included) under whatever V8 heap flags it was started with.
 */

import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { KubeGateway, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import type { PutEventsEntry } from "@emqx-reconciler/api";
import { createHintBatcher, createOpenGate, runWatchWindow } from "@emqx-reconciler/runtime";

const [kubeconfigPath = "", namespaceList = "", crCount = "0", protocol = "http1", openLimit = "0"] =
  process.argv.slice(2);
const namespaces = namespaceList.split(",").filter(Boolean);
const expected = Number(crCount);
/**
 * A memory-reducing full collection (V8's last-resort GC: compacts the old generation and shrinks the young one),
 * so the reading is what the process holds, not garbage or heap slack left by the opening lists' allocations.
 */
const gc = () =>
  (globalThis as { gc?: (options?: object) => void }).gc?.({
    type: "major",
    execution: "sync",
    flavor: "last-resort",
  });

/** `VmHWM` of /proc/self/status: the most RSS the process has held so far. */
function peakRss(): number {
  const kib = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  return Number(kib ?? 0) * 1024;
}

function memory() {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, peakRss: peakRss() };
}
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

let published = 0;
const waiters: Array<{ target: number; resolve: () => void }> = [];
const batcher = createHintBatcher({
  publisher: {
    async putEvents(entries: PutEventsEntry[]) {
      published += entries.length;
      for (const w of waiters.filter((w) => published >= w.target)) w.resolve();
      return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: "bench" })) };
    },
  },
});
const until = (target: number) =>
  published >= target ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ target, resolve }));

say({ step: "baseline", ...memory() });
const kubeConfig = loadKubeconfigFile(kubeconfigPath);
const abort = new AbortController();
const http2 = protocol === "http2";
const gateways = namespaces.map((ns) => new KubeGateway({ kubeConfig, namespaces: [ns], http2 }));
/** As the forwarder function does: at most `openLimit` clusters open at once (0: all at once). */
const openGate = Number(openLimit) > 0 ? createOpenGate(Number(openLimit)) : undefined;
const t0 = performance.now();
const cpu0 = cpuMs();
const windows = gateways.map((kube, i) =>
  runWatchWindow({
    cluster: namespaces[i] ?? "",
    kube,
    batcher,
    ...(openGate ? { openGate } : {}),
    namespaces: [namespaces[i] ?? ""],
    durationMs: 3_600_000,
    signal: abort.signal,
  }),
);
await until(expected);
const listMs = performance.now() - t0;
const listCpuMs = cpuMs() - cpu0;
await sleep(3_000);
say({
  step: "watching",
  ...memory(),
  listMs,
  listCpuMs,
  hints: published,
  maxOpening: openGate?.stats().maxOpening ?? namespaces.length,
});

for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.trim().split(" ");
  if (command === "burst") {
    const start = performance.now();
    const cpu = cpuMs();
    const from = published;
    await until(from + Number(arg));
    const hints = published - from;
    say({ step: "burst", ms: performance.now() - start, cpuMs: cpuMs() - cpu, hints, peakRss: peakRss() });
  } else if (command === "stop") {
    abort.abort();
    await Promise.allSettled(windows);
    await batcher.close();
    await Promise.all(gateways.map((g) => g.close()));
    say({ step: "stopped" });
    break;
  }
}
process.exit(0);
