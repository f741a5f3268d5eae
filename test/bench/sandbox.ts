/**
 * Sandbox benchmark: warm `sandbox up` time (CLI wall clock, binaries already built), resident memory of the
 * running sandbox, time for a 3-pod StatefulSet to become Ready with the default pod start delays (1–3 s per
 * pod), and `sandbox down` time. Run with `node test/bench/sandbox.ts`. Prints numbers; asserts nothing.
 * The cold build time is printed by `npx emqx-reconciler sandbox build` on a machine without the cache.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { AppsV1Api, type V1StatefulSet } from "@kubernetes/client-node";
import {
  ensureBinaries,
  findSandbox,
  type Sandbox,
  sandboxKubeConfig,
  sandboxStatus,
} from "../../packages/sandbox/src/index.ts";

const CLI = join(import.meta.dirname, "..", "..", "packages", "cli", "src", "main.ts");
const name = `bench-${process.pid}`;
const run = promisify(execFile);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, performance.now() - started];
}

function statefulSet(setName: string, podManagementPolicy: "OrderedReady" | "Parallel"): V1StatefulSet {
  const labels = { app: setName };
  return {
    metadata: { name: setName },
    spec: {
      replicas: 3,
      serviceName: setName,
      podManagementPolicy,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: "emqx", image: "emqx/emqx:5.8.6" }] } },
    },
  };
}

async function timeUntilReady(sandbox: Sandbox, policy: "OrderedReady" | "Parallel"): Promise<number> {
  const apps = (await sandboxKubeConfig(sandbox.kubeconfigPath)).makeApiClient(AppsV1Api);
  const setName = `bench-${policy.toLowerCase()}`;
  const started = performance.now();
  await apps.createNamespacedStatefulSet({ namespace: "default", body: statefulSet(setName, policy) });
  for (;;) {
    const set = await apps.readNamespacedStatefulSet({ name: setName, namespace: "default" });
    if (set.status?.readyReplicas === 3) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

await ensureBinaries();
const [, upMs] = await timed(() => run(process.execPath, [CLI, "sandbox", "up", "--name", name]));
const sandbox = await findSandbox(name);
if (!sandbox) throw new Error(`sandbox ${name} did not start`);
try {
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const status = await sandboxStatus(name);
  console.log(`warm 'sandbox up' (CLI wall clock, default options):  ${seconds(upMs)}`);
  console.log("resident memory after 5 s idle:");
  for (const p of status?.processes ?? [])
    console.log(`  ${p.name.padEnd(24)} ${Math.round((p.rssBytes ?? 0) / 2 ** 20)} MiB`);
  console.log(`  ${"total".padEnd(24)} ${Math.round((status?.totalRssBytes ?? 0) / 2 ** 20)} MiB`);
  const ordered = await timeUntilReady(sandbox, "OrderedReady");
  const parallel = await timeUntilReady(sandbox, "Parallel");
  console.log("3-pod StatefulSet, apply → readyReplicas 3, default start delay 1–3 s per pod:");
  console.log(`  podManagementPolicy OrderedReady:  ${seconds(ordered)}`);
  console.log(`  podManagementPolicy Parallel:      ${seconds(parallel)}`);
} finally {
  const [, downMs] = await timed(() => run(process.execPath, [CLI, "sandbox", "down", "--name", name]));
  console.log(`'sandbox down':  ${seconds(downMs)}`);
}
