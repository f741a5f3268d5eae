/**
 * Where the idle memory of `emqx-reconciler run` goes: the bundled CLI (as `versus` runs it, through the same
 * plain-HTTP counting proxy, with its `#!` line's Node flags) reconciles the seed example to `Ready` on a private
 * sandbox, sits idle for `--idle-seconds`, and then prints
 * - `/proc/<pid>/status`: `VmRSS` and its parts `RssAnon` / `RssFile`, beside Node's own floor (a bare `node` with
 *   the same flags after one HTTP round trip) and what the libraries `run` needs (yaml, zod, `node:crypto`) add to
 *   that floor, each loaded alone;
 * - `/proc/<pid>/smaps` summed by mapping: the Node executable, other files, the malloc heap, the main stack,
 *   and the largest anonymous mappings (V8 heap pages, code space, thread stacks, malloc arenas, WebAssembly);
 * - `process.memoryUsage()` and V8's heap spaces (used / resident) of the idle process, asked for with a signal
 *   by a preloaded `data:` module (loading `node:v8` only then), and the Node built-in modules it had loaded;
 * - a heap snapshot of the idle process (`--heapsnapshot-signal`): its size by node type, the largest object
 *   groups by constructor (self sizes) and the largest strings (module sources).
 *
 * Run: `npm run bench -- rss [--copies 1] [--idle-seconds 20] [--node-flags "--lite-mode …"]` (the extra flags are
 * added to the `#!` ones, to compare runtime options; `--copies 10` applies ten seed copies at once, and the CPU
 * seconds the process spent from `kubectl apply` to all `Ready` show what a flag costs in work). Prints numbers;
 * asserts nothing.
 */
import { mkdtemp, readdir, readFile, realpath } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { bundleCli, RUN_NODE_FLAGS } from "../../packages/cli/scripts/bundle.ts";
import {
  applyCopies,
  copyNames,
  createNamespace,
  flagValue,
  openBenchSandbox,
  sleep,
  waitAllReady,
} from "../e2e/support/benchKit.ts";
import { summariseHeapSnapshot } from "./rssKit/heapSnapshot.ts";
import { libraryCostsMiB, nodeFloorMiB } from "./rssKit/nodeFloor.ts";
import { bareBuiltins, LOADED_BUILTINS, summariseProbe } from "./rssKit/probe.ts";
import { summariseSmaps } from "./rssKit/smaps.ts";
import { oursContestant, stopProcess } from "./versusKit/contestants.ts";
import { startCountingProxy } from "./versusKit/countingProxy.ts";

const IDLE_SECONDS = Number(flagValue("--idle-seconds", "20"));
const EXTRA_FLAGS = flagValue("--node-flags", "").split(/\s+/).filter(Boolean);
const COPIES = Number(flagValue("--copies", "1"));

/** User + system CPU seconds of process `pid` so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const cliMain = await bundleCli();
const bench = await openBenchSandbox("bench-rss", { podStartDelayMs: 0 });
const proxy = await startCountingProxy(loadKubeconfigFile(bench.sandbox.kubeconfigPath));
const workDir = await mkdtemp(join(tmpdir(), "rss-"));
const kubeconfig = join(workDir, "proxy.kubeconfig");
await proxy.writeKubeconfig(kubeconfig);
/** Prints one `MEMORY_PROBE {…}` line on SIGWINCH (ignored by default, unused by `run` off a terminal). */
const PROBE = `process.on("SIGWINCH", () => {
  const v8 = process.getBuiltinModule("node:v8");
  const spaces = v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size, s.physical_space_size]);
  const builtins = ${LOADED_BUILTINS};
  console.error("MEMORY_PROBE " + JSON.stringify({ usage: process.memoryUsage(), spaces, builtins }));
});`;
const PROBE_FLAGS = [
  `--import=data:text/javascript,${encodeURIComponent(PROBE)}`,
  "--heapsnapshot-signal=SIGUSR2",
  `--diagnostic-dir=${workDir}`,
];
/** The flags `run` gets here, without the probe's: what the bare-node comparisons start with too. */
const runFlags = [...RUN_NODE_FLAGS, ...EXTRA_FLAGS];
const flags = [...runFlags, ...PROBE_FLAGS];
const namespace = "rss";
await createNamespace(bench, namespace);
const child = oursContestant(cliMain, flags, kubeconfig).start(namespace, join(workDir, "run.log"));
try {
  const pid = child.pid as number;
  // Started once its first lists are answered: its log has a line by then.
  await waitForLine(join(workDir, "run.log"), "{");
  const cpuBefore = await cpuSeconds(pid);
  const started = performance.now();
  const names = copyNames(COPIES);
  await applyCopies(bench, namespace, names);
  const ready = await waitAllReady(bench, namespace, names, started);
  const cpuToReady = (await cpuSeconds(pid)) - cpuBefore;
  const readyMs = Math.max(...ready.values());
  await sleep(IDLE_SECONDS * 1000);
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => `${name} ${new RegExp(`${name}:\\s+(\\d+ kB)`).exec(status)?.[1]}`;
  const threads = /Threads:\s+(\d+)/.exec(status)?.[1];
  console.log(
    `emqx-reconciler run (bundled, node ${runFlags.join(" ")}), ${COPIES} converged CR(s), ${IDLE_SECONDS} s idle (load ${loadavg()[0]?.toFixed(1)}):`,
  );
  console.log(
    `  apply → all ${COPIES} Ready: ${(readyMs / 1000).toFixed(2)} s, ${cpuToReady.toFixed(2)} CPU seconds of the process`,
  );
  console.log(
    `  ${field("VmRSS")}, ${field("RssAnon")}, ${field("RssFile")}; ${threads} threads; CPU ${(await cpuSeconds(pid)).toFixed(2)} s since start`,
  );
  const floor = await nodeFloorMiB(runFlags);
  console.log(
    `  Node's own floor (a bare node with these flags after one HTTP round trip): VmRSS ${floor.rss.toFixed(1)} MiB, RssAnon ${floor.anon.toFixed(1)} MiB`,
  );
  // The metafile's paths are relative to the working directory of the build, this process's.
  const meta = JSON.parse(await readFile(join(dirname(cliMain), "meta.json"), "utf8"));
  const costs = await libraryCostsMiB(runFlags, floor, meta, process.cwd());
  console.log(
    `  on top of that floor, each loaded alone (VmRSS / RssAnon): ${costs.map((c) => `${c.name} +${c.rss.toFixed(1)} / +${c.anon.toFixed(1)} MiB`).join(", ")}`,
  );
  const smaps = await readFile(`/proc/${pid}/smaps`, "utf8");
  console.log(summariseSmaps(smaps, await realpath(process.execPath)));
  child.kill("SIGWINCH");
  console.log(
    summariseProbe(await waitForLine(join(workDir, "run.log"), "MEMORY_PROBE "), bareBuiltins(runFlags)),
  );
  child.kill("SIGUSR2");
  const snapshot = await waitForSnapshot(workDir);
  console.log(summariseHeapSnapshot(JSON.parse(await readFile(snapshot, "utf8"))));
} finally {
  await stopProcess(child);
  await proxy.close();
  await bench.close();
}

/** The text after `prefix` of the first line of `file` that starts with it, once there is one. */
async function waitForLine(file: string, prefix: string): Promise<string> {
  for (let i = 0; i < 240; i++) {
    const line = (await readFile(file, "utf8")).split("\n").find((l) => l.startsWith(prefix));
    if (line) return line.slice(prefix.length);
    await sleep(250);
  }
  throw new Error(`no ${prefix.trim()} line in ${file} after 60 s`);
}

/** The path of the heap snapshot the child writes into `dir`, once it is complete. */
async function waitForSnapshot(dir: string): Promise<string> {
  for (let i = 0; i < 1200; i++) {
    const file = (await readdir(dir)).find((f) => f.endsWith(".heapsnapshot"));
    if (file) {
      const text = await readFile(join(dir, file), "utf8");
      if (text.trimEnd().endsWith("}")) return join(dir, file);
    }
    await sleep(250);
  }
  throw new Error(`no heap snapshot in ${dir} after 5 min`);
}
