/**
 * Shared pieces of the end-to-end benchmarks in test/bench (e2e-ready, converged, scale): a private sandbox with
 * the CRD, copies of the seed example, the reconciler of `run` with its logs discarded, a watch on "all Ready" from
 * a separate gateway (so the reconciler's request counts stay its own), and number formatting.
 */
import { readFileSync } from "node:fs";
import {
  KubeGateway,
  type KubeObject,
  loadKubeconfigFile,
  type RequestStatsSnapshot,
} from "@emqx-reconciler/adapters";
import { CRD_NAME, type EmqxStatus, renderCrdYaml } from "@emqx-reconciler/api";
import { type Sandbox, type StartSandboxOptions, startSandbox } from "@emqx-reconciler/sandbox";
import { createLogger, type RunningReconciler, StatusBoard, startReconciler } from "emqx-reconciler";
import { SEED_EXAMPLE, sleep } from "./testbed.ts";

export { sleep };

/** A benchmark's own sandbox and a gateway for the benchmark's reads. */
export interface BenchSandbox {
  sandbox: Sandbox;
  observer: KubeGateway;
  close(): Promise<void>;
}

/** Milliseconds printed as seconds with two decimals. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function kubectl(sandbox: Sandbox, args: string[], input?: string): Promise<void> {
  const result = await sandbox.kubectl(args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr.trim()}`);
}

/** Starts a fresh sandbox (quietly), installs the CRD, waits until it is established and warms kubectl. */
export async function openBenchSandbox(
  name: string,
  options: StartSandboxOptions = {},
): Promise<BenchSandbox> {
  const sandbox = await startSandbox({ name: `${name}-${process.pid}`, onProgress: () => {}, ...options });
  const observer = new KubeGateway({ kubeConfig: loadKubeconfigFile(sandbox.kubeconfigPath) });
  await kubectl(sandbox, ["apply", "--server-side", "-f", "-"], renderCrdYaml());
  for (;;) {
    const crd = await observer.get("CustomResourceDefinition", undefined, CRD_NAME);
    if (JSON.stringify(crd?.status ?? {}).includes('"Established"')) break;
    await sleep(100);
  }
  // kubectl caches API discovery on disk; fill it now so a timed `kubectl apply` does not pay for it.
  await kubectl(sandbox, ["api-resources", "--api-group=apps.emqx.io"]);
  return {
    sandbox,
    observer,
    async close() {
      await observer.close();
      await sandbox.stop();
    },
  };
}

/** Creates a namespace. */
export async function createNamespace(bench: BenchSandbox, namespace: string): Promise<void> {
  await kubectl(bench.sandbox, ["create", "namespace", namespace]);
}

/** Names of `count` seed copies: `emqx` alone, else `emqx-000`, `emqx-001`, … */
export function copyNames(count: number): string[] {
  if (count === 1) return ["emqx"];
  return Array.from({ length: count }, (_, i) => `emqx-${String(i).padStart(3, "0")}`);
}

/** The seed example, verbatim but for `metadata.name`, once per name, as one multi-document YAML. */
export function seedCopies(names: readonly string[]): string {
  const seed = readFileSync(SEED_EXAMPLE, "utf8");
  if (!seed.includes("\n  name: emqx\n")) throw new Error("the seed example no longer names itself emqx");
  return names.map((name) => seed.replace("\n  name: emqx\n", `\n  name: ${name}\n`)).join("\n---\n");
}

/** `kubectl apply` of the seed copies in one call. */
export async function applyCopies(bench: BenchSandbox, namespace: string, names: readonly string[]) {
  await kubectl(bench.sandbox, ["apply", "-n", namespace, "-f", "-"], seedCopies(names));
}

/** The reconciler of `run` for one namespace, with its log lines dropped. */
export function startQuietReconciler(
  bench: BenchSandbox,
  namespace: string,
  options: { readCache?: boolean } = {},
): Promise<RunningReconciler> {
  return startReconciler({
    kubeConfig: loadKubeconfigFile(bench.sandbox.kubeconfigPath),
    cluster: "bench",
    namespace,
    logger: createLogger({ format: "json", write: () => {} }),
    board: new StatusBoard(),
    ...options,
  });
}

/** Stops a reconciler and closes its connections. */
export async function stopReconciler(reconciler: RunningReconciler): Promise<void> {
  await reconciler.stop();
  await reconciler.gateway.close();
}

function isReady(cr: KubeObject): boolean {
  const status = cr.status as EmqxStatus | undefined;
  return status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/**
 * Waits until every name is Ready; returns each CR's time to Ready in ms, counted from `startedAt`
 * (`performance.now()`). It watches the namespace's CRs (one list, then a watch from its resourceVersion, again
 * after the watch ends), so it sees a change as soon as the apiserver sends it and adds no load of its own: a list
 * of fifty full CRs every 50 ms had taken a third of the apiserver's CPU during the largest runs.
 */
export async function waitAllReady(
  bench: BenchSandbox,
  namespace: string,
  names: readonly string[],
  startedAt: number,
): Promise<Map<string, number>> {
  const ready = new Map<string, number>();
  const note = (cr: KubeObject) => {
    const name = cr.metadata?.name ?? "";
    if (!ready.has(name) && isReady(cr)) ready.set(name, performance.now() - startedAt);
  };
  const allReady = () => names.every((n) => ready.has(n));
  const deadline = startedAt + 15 * 60_000;
  while (!allReady()) {
    if (performance.now() > deadline)
      throw new Error(`only ${ready.size}/${names.length} Ready after 15 min`);
    const { items, resourceVersion } = await bench.observer.listEmqx(namespace);
    for (const cr of items) note(cr);
    if (allReady()) break;
    const watch = bench.observer.watchKind(
      "EMQX",
      { namespace, resourceVersion, timeoutSeconds: 60 },
      (event) => {
        if (event.type !== "BOOKMARK") note(event.object);
        if (allReady()) watch.stop();
      },
    );
    const end = await watch.done;
    if (end.reason === "error") await sleep(200);
  }
  return ready;
}

/** The value at quantile `q` (0–1) of the numbers. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * q))] ?? Number.NaN;
}

/** `reads + writes`, then the requests by verb and resource, largest first. */
export function describeRequests(stats: RequestStatsSnapshot): string {
  const parts = Object.entries(stats.byRequest)
    .sort(([, a], [, b]) => b - a)
    .map(([request, count]) => `${request} ${count}`);
  return `${stats.reads + stats.writes} (${stats.reads} reads, ${stats.writes} writes): ${parts.join(", ")}`;
}

/** The value after `name` on the command line (`--rounds 3`), or `fallback` when the flag is absent. */
export function flagValue(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}
