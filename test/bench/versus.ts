/**
 * emqx-operator 2.2 (pinned commit) against `emqx-reconciler run`, on one sandbox with pods Ready at once, both
 * behind one counting proxy, in interleaved rounds (the order alternates): the seed example from `kubectl apply`
 * to `Ready` (time and requests), the requests of the converged CR over a steady window, the process's resident
 * memory at that point (idle: RSS, and its anonymous part), and N copies applied at once until all are `Ready`
 * (time and requests), then Node's own floor under our idle RSS (a bare `node` with our flags after one HTTP round
 * trip). Each measurement starts once the previous one's namespace is gone. Ours runs from the bundled CLI (built
 * first, `packages/cli/scripts/bundle.ts`).
 * Needs Go and `$EMQX_OPERATOR_SRC` (a git directory of github.com/emqx/emqx-operator holding the commit); without
 * them it says so and exits 0. A benchmark, not a test: it prints numbers and asserts nothing.
 * Run: `npm run bench -- versus [--rounds 2] [--sizes 1,10,50] [--steady-seconds 30] [--only ours|operator]` (N = 1 is always
 * measured, as the seed, steady-state and memory rows come from it).
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import { bundleCli, RUN_NODE_FLAGS } from "../../packages/cli/scripts/bundle.ts";
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
import { nodeFloorMiB } from "./rssKit/nodeFloor.ts";
import {
  type Contestant,
  cpuSeconds,
  operatorContestant,
  oursContestant,
  residentMiB,
  stopProcess,
} from "./versusKit/contestants.ts";
import { type CountingProxy, startCountingProxy } from "./versusKit/countingProxy.ts";
import { buildOperator, OPERATOR_COMMIT, operatorUnavailable } from "./versusKit/operatorBuild.ts";

const ROUNDS = Number(flagValue("--rounds", "2"));
const SIZES = [...new Set([1, ...flagValue("--sizes", "1,10,50").split(",").map(Number)])].filter(
  (n) => Number.isInteger(n) && n > 0,
);
const STEADY_SECONDS = Number(flagValue("--steady-seconds", "30"));
/** `--only ours` or `--only operator` runs one side (to profile it; the table then has no ratios). */
const ONLY = flagValue("--only", "");

interface Sample {
  readyMs: number;
  /** How long `kubectl apply` of the N copies itself took (it creates them one after another). */
  applyMs: number;
  requests: number;
  /** Requests the EMQX API emulator answered from the apply to the last `Ready` (every emulated node counted). */
  emqxRequests: number;
  /** CPU seconds the contestant's process used from the apply to the last `Ready`. */
  cpuSeconds: number;
  steadyRequests?: number;
  /** The steady window's requests by verb (`WATCH`, `PUT`, …). */
  steadyByVerb?: Record<string, number>;
  rssMiB?: number;
  anonMiB?: number;
}

type Results = Record<Contestant["name"], Map<string, Sample[]>>;

/**
 * Writes the requests from `kubectl apply` to the last `Ready` as a timeline, one line each: milliseconds since
 * the apply started, the answer status, the verb and the path (kubectl's own requests included), then when each
 * CR was seen Ready.
 */
async function writeJournal(
  path: string,
  proxy: CountingProxy,
  startedAt: number,
  ready: ReadonlyMap<string, number>,
): Promise<void> {
  const lines = proxy
    .journal()
    .map(
      (r) =>
        `${(r.atMs - startedAt).toFixed(0).padStart(7)} ms ${r.status ?? "-"} ${r.verb.padEnd(6)} ${r.url}`,
    );
  for (const [name, ms] of ready) lines.push(`${ms.toFixed(0).padStart(7)} ms Ready ${name}`);
  await writeFile(path, `${lines.join("\n")}\n`);
}

/** Waits until the process has made its start-up requests (lists, watches) and gone quiet for 1.5 s. */
async function settled(proxy: CountingProxy, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (proxy.counts().total > 0 && proxy.quietForMs() > 1_500) return;
    await sleep(100);
  }
}

async function measure(
  bench: BenchSandbox,
  emulator: EmulatorAdmin,
  proxy: CountingProxy,
  contestant: Contestant,
  namespace: string,
  size: number,
  logDir: string,
): Promise<Sample> {
  await createNamespace(bench, namespace);
  proxy.reset();
  const child = contestant.start(namespace, join(logDir, `${namespace}.log`));
  try {
    await settled(proxy);
    proxy.reset();
    await emulator.resetRequests();
    const names = copyNames(size);
    const cpuBefore = await cpuSeconds(child.pid);
    const started = performance.now();
    await applyCopies(bench, namespace, names);
    const applyMs = performance.now() - started;
    const ready = await waitAllReady(bench, namespace, names, started);
    const emqx = await emulator.requests();
    await writeFile(join(logDir, `${namespace}.emqx-requests.json`), JSON.stringify(emqx.byPath, null, 1));
    const sample: Sample = {
      readyMs: Math.max(...ready.values()),
      applyMs,
      requests: proxy.counts().total,
      emqxRequests: emqx.total,
      cpuSeconds: (await cpuSeconds(child.pid)) - cpuBefore,
    };
    await writeJournal(join(logDir, `${namespace}.requests.log`), proxy, started, ready);
    if (size === 1) {
      await sleep(3_000);
      proxy.reset();
      await sleep(STEADY_SECONDS * 1000);
      const steady = proxy.counts();
      sample.steadyRequests = steady.total;
      sample.steadyByVerb = steady.byVerb;
      const memory = await residentMiB(child.pid);
      sample.rssMiB = memory.rss;
      sample.anonMiB = memory.anon;
    }
    return sample;
  } finally {
    await tearDown(bench, namespace);
    await stopProcess(child);
  }
}

/**
 * Deletes the round's namespace and waits until it is gone, with the contestant still running (should it hold
 * finalizers). Without the wait, the next contestant raced the namespace controller and the garbage collector
 * deleting hundreds of pods: fifty at once measured right after the other side's fifty was up to 1.8× slower.
 */
async function tearDown(bench: BenchSandbox, namespace: string): Promise<void> {
  const started = performance.now();
  const deleted = await bench.sandbox.kubectl([
    "delete",
    "namespace",
    namespace,
    "--wait=true",
    "--timeout=300s",
  ]);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (deleted.code !== 0)
    console.log(`  namespace ${namespace} not gone after ${seconds} s: ${deleted.stderr.trim()}`);
  else console.log(`  namespace ${namespace} gone in ${seconds} s (load ${loadavg()[0]?.toFixed(1)})`);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const range = (values: number[], digits: number, unit = "") =>
  values.length === 0 ? "—" : values.map((v) => v.toFixed(digits)).join(" / ") + unit;

function row(
  label: string,
  results: Results,
  key: string,
  pick: (s: Sample) => number | undefined,
  digits: number,
  unit = "",
) {
  const of = (who: Contestant["name"]) =>
    (results[who].get(key) ?? []).map(pick).filter((v): v is number => v !== undefined);
  const op = of("operator");
  const us = of("ours");
  const ratio = median(us) / median(op);
  console.log(
    `| ${label} | ${range(op, digits, unit)} | ${range(us, digits, unit)} | ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "—"} |`,
  );
}

const unavailable = await operatorUnavailable();
if (unavailable) {
  console.log(`versus: skipped — ${unavailable}. Nothing measured.`);
  process.exit(0);
}
const build = await buildOperator((line) => console.log(line));
const cliMain = await bundleCli();
const bench = await openBenchSandbox("bench-versus", { podStartDelayMs: 0, nodes: 15 });
const proxy = await startCountingProxy(loadKubeconfigFile(bench.sandbox.kubeconfigPath));
const emulator = await EmulatorAdmin.fromStateDir(bench.sandbox.stateDir);
const logDir = await mkdtemp(join(tmpdir(), "versus-"));
try {
  for (const file of build.crdFiles) {
    const applied = await bench.sandbox.kubectl(["apply", "--server-side", "-f", file]);
    if (applied.code !== 0) throw new Error(`installing ${file}: ${applied.stderr}`);
  }
  const kubeconfig = join(logDir, "proxy.kubeconfig");
  await proxy.writeKubeconfig(kubeconfig);
  const contestants = [
    operatorContestant(build.manager, kubeconfig),
    oursContestant(cliMain, RUN_NODE_FLAGS, kubeconfig),
  ].filter((c) => ONLY === "" || c.name === ONLY);
  const results: Results = { operator: new Map(), ours: new Map() };
  console.log(`emqx-operator ${OPERATOR_COMMIT.slice(0, 12)} vs emqx-reconciler run; logs in ${logDir}`);
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? contestants : [...contestants].reverse();
    for (const size of SIZES) {
      for (const contestant of order) {
        const namespace = `vs-${contestant.name}-${round}-n${size}`;
        const sample = await measure(bench, emulator, proxy, contestant, namespace, size, logDir);
        const list = results[contestant.name].get(String(size)) ?? [];
        list.push(sample);
        results[contestant.name].set(String(size), list);
        const extra =
          sample.steadyRequests === undefined
            ? ""
            : `, steady ${sample.steadyRequests} requests / ${STEADY_SECONDS} s ${JSON.stringify(sample.steadyByVerb)}, RSS ${sample.rssMiB?.toFixed(0)} MiB (anonymous ${sample.anonMiB?.toFixed(0)} MiB)`;
        console.log(
          `  round ${round} ${contestant.name.padEnd(8)} N=${size}: all Ready ${(sample.readyMs / 1000).toFixed(2)} s (the apply itself ${(sample.applyMs / 1000).toFixed(2)} s), ${sample.requests} requests, ${sample.emqxRequests} EMQX API requests, ${sample.cpuSeconds.toFixed(2)} CPU s${extra} (load ${loadavg()[0]?.toFixed(1)})`,
        );
      }
    }
  }
  console.log(`\n| | operator 2.2 | emqx-reconciler | ratio (medians) |\n|---|---|---|---|`);
  row("seed apply → Ready", results, "1", (s) => s.readyMs / 1000, 2, " s");
  row("requests to Ready", results, "1", (s) => s.requests, 0);
  row("EMQX API requests to Ready", results, "1", (s) => s.emqxRequests, 0);
  row(`steady state, requests per CR per ${STEADY_SECONDS} s`, results, "1", (s) => s.steadyRequests, 0);
  for (const size of SIZES.filter((s) => s !== 1)) {
    row(`${size} seed CRs at once → all Ready`, results, String(size), (s) => s.readyMs / 1000, 1, " s");
    row(
      `… of which \`kubectl apply\` of the ${size}`,
      results,
      String(size),
      (s) => s.applyMs / 1000,
      1,
      " s",
    );
    row(`${size} seed CRs, requests`, results, String(size), (s) => s.requests, 0);
    row(`${size} seed CRs, EMQX API requests`, results, String(size), (s) => s.emqxRequests, 0);
    row(`${size} seed CRs, CPU seconds of the process`, results, String(size), (s) => s.cpuSeconds, 1);
  }
  row("idle RSS (one converged CR)", results, "1", (s) => s.rssMiB, 0, " MiB");
  row("idle RSS, anonymous part (without mapped code)", results, "1", (s) => s.anonMiB, 0, " MiB");
  const floor = await nodeFloorMiB(RUN_NODE_FLAGS);
  console.log(
    `\nNode's own floor under our idle RSS (a bare \`node\` with our flags after one HTTP round trip): ${floor.rss.toFixed(0)} MiB, anonymous ${floor.anon.toFixed(0)} MiB`,
  );
} finally {
  await proxy.close();
  await bench.close();
}
