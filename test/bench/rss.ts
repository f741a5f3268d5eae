/**
 * Where the idle memory of `emqx-reconciler run` goes: the bundled CLI (as `versus` runs it, through the same
 * plain-HTTP counting proxy, with its `#!` line's Node flags) reconciles the seed example to `Ready` on a private
 * sandbox, sits idle for `--idle-seconds`, and then prints
 * - `/proc/<pid>/status`: `VmRSS` and its parts `RssAnon` / `RssFile`;
 * - `/proc/<pid>/smaps` summed by mapping: the Node executable, other files, the malloc heap, the main stack,
 *   and the largest anonymous mappings (V8 heap pages, code space, thread stacks, malloc arenas, WebAssembly);
 * - a heap snapshot of the idle process (`--heapsnapshot-signal`): its size by node type and the largest object
 *   groups by constructor (self sizes), and whether WebAssembly or Node's type stripper is loaded.
 *
 * Run: `npm run bench -- rss [--idle-seconds 20] [--node-flags "--v8-pool-size=1 …"]` (the extra flags are added
 * to the `#!` ones, to compare runtime options). Prints numbers; asserts nothing.
 */
import { mkdtemp, readdir, readFile, realpath } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { bundleCli, RUN_NODE_FLAGS } from "../../packages/cli/scripts/bundle.ts";
import {
  applyCopies,
  copyNames,
  createNamespace,
  openBenchSandbox,
  sleep,
  waitAllReady,
} from "../e2e/support/benchKit.ts";
import { summariseHeapSnapshot } from "./rssKit/heapSnapshot.ts";
import { summariseSmaps } from "./rssKit/smaps.ts";
import { oursContestant, stopProcess } from "./versusKit/contestants.ts";
import { startCountingProxy } from "./versusKit/countingProxy.ts";

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}
const IDLE_SECONDS = Number(arg("--idle-seconds", "20"));
const EXTRA_FLAGS = arg("--node-flags", "").split(/\s+/).filter(Boolean);

const cliMain = await bundleCli();
const bench = await openBenchSandbox("bench-rss", { podStartDelayMs: 0 });
const proxy = await startCountingProxy(loadKubeconfigFile(bench.sandbox.kubeconfigPath));
const workDir = await mkdtemp(join(tmpdir(), "rss-"));
const kubeconfig = join(workDir, "proxy.kubeconfig");
await proxy.writeKubeconfig(kubeconfig);
const flags = [
  ...RUN_NODE_FLAGS,
  ...EXTRA_FLAGS,
  "--heapsnapshot-signal=SIGUSR2",
  `--diagnostic-dir=${workDir}`,
];
const namespace = "rss";
await createNamespace(bench, namespace);
const child = oursContestant(cliMain, flags, kubeconfig).start(namespace, join(workDir, "run.log"));
try {
  const started = performance.now();
  await applyCopies(bench, namespace, copyNames(1));
  await waitAllReady(bench, namespace, copyNames(1), started);
  await sleep(IDLE_SECONDS * 1000);
  const pid = child.pid as number;
  const cpu = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
  const cpuSeconds = (Number(cpu[11]) + Number(cpu[12])) / 100;
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => `${name} ${new RegExp(`${name}:\\s+(\\d+ kB)`).exec(status)?.[1]}`;
  const threads = /Threads:\s+(\d+)/.exec(status)?.[1];
  console.log(
    `emqx-reconciler run (bundled, node ${flags.slice(0, -2).join(" ")}), one converged CR, ${IDLE_SECONDS} s idle (load ${loadavg()[0]?.toFixed(1)}):`,
  );
  console.log(
    `  ${field("VmRSS")}, ${field("RssAnon")}, ${field("RssFile")}; ${threads} threads; CPU ${cpuSeconds.toFixed(2)} s since start`,
  );
  const smaps = await readFile(`/proc/${pid}/smaps`, "utf8");
  console.log(summariseSmaps(smaps, await realpath(process.execPath)));
  child.kill("SIGUSR2");
  const snapshot = await waitForSnapshot(workDir);
  console.log(summariseHeapSnapshot(JSON.parse(await readFile(snapshot, "utf8"))));
} finally {
  await stopProcess(child);
  await proxy.close();
  await bench.close();
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
