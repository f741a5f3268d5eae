/**
 * One chaos run on a sandbox: the CR applied, `emqx-reconciler run` started as a child process behind a counting
 * proxy, the ops applied one after another (1–5 s apart, never waiting for readiness), and at every quiet period
 * a bounded wait for convergence followed by the invariants. Stops at the first failure; the report carries the
 * seed and the op log that replays it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KubeGateway, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import type { Sandbox } from "@emqx-reconciler/sandbox";
import type { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import { stringify } from "yaml";
import { type ProxyCounts, startCountingProxy } from "../bench/versusKit/countingProxy.ts";
import { quantile } from "../e2e/support/benchKit.ts";
import { sleep } from "../e2e/support/testbed.ts";
import { applyOp, clearFaults, type OpContext } from "./applyOp.ts";
import { CHAOS_CR_NAME, chaosCr } from "./cr.ts";
import { waitConverged } from "./observe.ts";
import { type ChaosOp, describeOp } from "./ops.ts";
import { ReconcilerProcess } from "./reconcilerProcess.ts";
import { canaryLeaks } from "./secrets.ts";
import { SetHistory } from "./setHistory.ts";
import { watchSets } from "./watches.ts";

/** What a run needs. */
export interface ChaosRunOptions {
  sandbox: Sandbox;
  observer: KubeGateway;
  emulator: EmulatorAdmin;
  /** An empty namespace of the run's own. */
  namespace: string;
  seed: number;
  ops: readonly ChaosOp[];
  /** Longest wait for convergence at a quiet period; past it the CR counts as stuck. */
  quietBoundMs: number;
  /** One line per op and per quiet period. */
  print(line: string): void;
  /** Go on after a failed quiet period (a long run collecting numbers) instead of stopping there. */
  keepGoing?: boolean;
  /** Where to write everything the reconciler processes printed, once the run ends. */
  reconcilerLog?: string;
  /**
   * Where a failed run writes its first failure and the reconciler's last lines, compactly (CI prints it last);
   * removed when a run starts.
   */
  diagnosisFile?: string;
  /** Restarts kube-apiserver and resolves once it serves (runs on a sandbox of their own only). */
  restartApiserver?: () => Promise<void>;
}

/** The numbers and the verdict of a run. */
export interface ChaosReport {
  seed: number;
  /** Ops applied, quiet periods not counted. */
  ops: number;
  quietPeriods: number;
  durationMs: number;
  /** Time from the last op before each quiet period to converged. */
  convergenceMs: number[];
  requests: ProxyCounts;
  kills: number;
  killsAfterWrite: number;
  failures: string[];
  /** Every op applied, with its time and what it hit: the replayable log. */
  opLog: string[];
}

/** Runs the ops; never throws for a broken invariant (it is in `failures`), only for a broken harness. */
export async function runChaos(options: ChaosRunOptions): Promise<ChaosReport> {
  const { sandbox, observer, emulator, namespace, print } = options;
  // A diagnosis an earlier failed run left would be printed by `.ci/run` as if it were this run's.
  if (options.diagnosisFile) await rm(options.diagnosisFile, { force: true });
  const name = CHAOS_CR_NAME;
  const proxy = await startCountingProxy(loadKubeconfigFile(sandbox.kubeconfigPath));
  const kubeconfig = join(await mkdtemp(join(tmpdir(), "chaos-")), "kubeconfig");
  await proxy.writeKubeconfig(kubeconfig);
  const reconciler = new ReconcilerProcess(sandbox, namespace, kubeconfig);
  const history = new SetHistory();
  const watches = await watchSets(observer, namespace, history);
  const ctx: OpContext = {
    sandbox,
    observer,
    emulator,
    reconciler,
    namespace,
    name,
    faults: [],
    restartApiserver: options.restartApiserver,
  };
  const target = { observer, emulator, namespace, name };
  const report: ChaosReport = {
    seed: options.seed,
    ops: 0,
    quietPeriods: 0,
    durationMs: 0,
    convergenceMs: [],
    requests: { total: 0, byVerb: {}, byRequest: {} },
    kills: 0,
    killsAfterWrite: 0,
    failures: [],
    opLog: [],
  };
  const started = performance.now();
  const stamp = () => `+${((performance.now() - started) / 1000).toFixed(1)}s`;
  const log = (line: string) => {
    report.opLog.push(line);
    print(line);
  };

  /** Waits for convergence and checks every invariant; false when one broke (then in `failures`). */
  const quiet = async (label: string, lastOpAt: number): Promise<boolean> => {
    await clearFaults(ctx);
    await reconciler.ensureRunning();
    const problems = await waitConverged(target, options.quietBoundMs);
    const tookMs = performance.now() - lastOpAt;
    if (problems.length > 0) {
      report.failures.push(
        `${label}: stuck CR, not converged within ${options.quietBoundMs / 1000} s: ${problems.join("; ")}`,
      );
    } else report.convergenceMs.push(tookMs);
    report.failures.push(...history.violations.splice(0).map((v) => `${label}: ${v}`));
    const leaks = await canaryLeaks(observer, namespace, name, reconciler.output());
    report.failures.push(...leaks.map((l) => `${label}: ${l}`));
    report.quietPeriods++;
    log(
      `${stamp()} ${label}: ${problems.length === 0 ? `converged in ${(tookMs / 1000).toFixed(1)} s` : `NOT converged: ${problems.join("; ")}`}`,
    );
    return report.failures.length === 0;
  };

  try {
    await reconciler.ensureRunning();
    const apply = await sandbox.kubectl(["apply", "--server-side", "-n", namespace, "-f", "-"], {
      input: stringify(chaosCr()),
    });
    if (apply.code !== 0) throw new Error(`kubectl apply of the chaos CR: ${apply.stderr}`);
    let lastOpAt = performance.now();
    let ok = await quiet("start", lastOpAt);
    // The first convergence is a create, not a recovery: the numbers count from here.
    report.convergenceMs = [];
    report.quietPeriods = 0;
    proxy.reset();
    const measured = performance.now();
    for (const [index, op] of options.ops.entries()) {
      if (!ok && !options.keepGoing) break;
      if (op.kind === "quiet") {
        ok = await quiet(`quiet ${report.quietPeriods}`, lastOpAt);
        continue;
      }
      const note = await applyOp(ctx, op);
      lastOpAt = performance.now();
      report.ops++;
      log(`${stamp()} op ${index + 1}/${options.ops.length} ${describeOp(op)}${note ? `: ${note}` : ""}`);
      if (options.ops[index + 1]?.kind !== "quiet") await sleep(op.gapMs);
    }
    report.durationMs = performance.now() - measured;
    report.requests = proxy.counts();
  } finally {
    report.kills = reconciler.kills;
    report.killsAfterWrite = reconciler.killsAfterWrite;
    watches.stop();
    await clearFaults(ctx).catch(() => {});
    await reconciler.stop();
    await proxy.close();
    if (options.reconcilerLog) await writeFile(options.reconcilerLog, reconciler.output());
  }
  if (report.failures.length > 0) {
    const lines = reconciler.lastLines(40).map(compactLogLine);
    report.failures.push(`last log lines of the reconciler:\n  ${lines.join("\n  ")}`);
    if (options.diagnosisFile)
      await writeFile(options.diagnosisFile, `${[...report.failures.slice(0, 1), ...lines].join("\n")}\n`);
  }
  return report;
}

/** Fields a compact log line leaves out: the same on every line of a chaos run, or too long to help. */
const UNTOLD = new Set(["time", "level", "msg", "cluster", "namespace", "uid", "changes"]);

/**
 * One reconciler log line in at most 240 characters: `12:00:01.234 msg key=value …`, e.g.
 * `15:37:27.699 Scaled ReplicaSet child=chaos-replicant-2g replicas=6`.
 */
export function compactLogLine(line: Record<string, unknown>): string {
  const time = typeof line.time === "string" ? line.time.slice(11, 23) : "";
  const fields = Object.entries(line)
    .filter(([key]) => !UNTOLD.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  return [time, line.msg, ...fields].join(" ").slice(0, 240);
}

/** The summary lines of a report. */
export function summarize(report: ChaosReport): string[] {
  const minutes = report.durationMs / 60_000;
  const p = (q: number) => `${(quantile(report.convergenceMs, q) / 1000).toFixed(1)} s`;
  const verbs = Object.entries(report.requests.byVerb)
    .sort(([, a], [, b]) => b - a)
    .map(([verb, n]) => `${verb} ${n}`)
    .join(", ");
  return [
    `seed ${report.seed}: ${report.ops} ops, ${report.quietPeriods} quiet periods in ${(minutes).toFixed(1)} min = ${(report.ops / minutes).toFixed(1)} ops/min`,
    `convergence after the last op of a period: p50 ${p(0.5)}, p99 ${p(0.99)}, max ${p(1)} (${report.convergenceMs.length} periods)`,
    `reconciler's Kubernetes requests: ${report.requests.total} = ${(report.requests.total / Math.max(1, report.ops)).toFixed(1)} per op (${verbs})`,
    `kill -9: ${report.kills} (${report.killsAfterWrite} right after a write)`,
    report.failures.length === 0 ? "invariants held" : `FAILED (${report.failures.length}):`,
    ...report.failures.map((f) => `  ${f}`),
  ];
}
