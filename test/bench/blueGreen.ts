/**
 * Blue-green update time: the seed example, Ready on EMQX 6.0.1, gets `spec.image: emqx/emqx:6.0.2`; time until
 * it is Ready again on the new revisions of both roles, under the reconciler of `emqx-reconciler run`, on a fresh
 * sandbox whose pods start at once (like for like with the operator's 52.6 s). Three cases:
 * the default updateStrategy (initialDelaySeconds 10, waitTakeover 10), the short one the e2e test uses (1 / 1),
 * and the default with sessions on one old replicant (Enterprise evacuation; EMQX waits its default
 * wait_health_check of 60 s before evicting).
 * Run: `node test/bench/blueGreen.ts`. Prints numbers; asserts nothing.
 */
import type { EmqxStatus } from "@emqx-reconciler/api";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import {
  applyCopies,
  type BenchSandbox,
  createNamespace,
  describeRequests,
  openBenchSandbox,
  seconds,
  sleep,
  startQuietReconciler,
  stopReconciler,
  waitAllReady,
} from "../e2e/support/benchKit.ts";

interface Case {
  label: string;
  updateStrategy?: object;
  sessionsOnOneReplicant: boolean;
}

const CASES: Case[] = [
  { label: "default updateStrategy (10 s / 10 s), no sessions", sessionsOnOneReplicant: false },
  {
    label: "initialDelaySeconds 1, waitTakeover 1 (the e2e test's), no sessions",
    updateStrategy: { initialDelaySeconds: 1, evacuationStrategy: { waitTakeover: 1 } },
    sessionsOnOneReplicant: false,
  },
  { label: "default updateStrategy, 20 sessions on one old replicant", sessionsOnOneReplicant: true },
];

async function kubectl(bench: BenchSandbox, args: string[]): Promise<string> {
  const result = await bench.sandbox.kubectl(args);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr.trim()}`);
  return result.stdout;
}

async function status(bench: BenchSandbox, namespace: string): Promise<EmqxStatus | undefined> {
  return (await bench.observer.getEmqx(namespace, "emqx"))?.status as EmqxStatus | undefined;
}

/** Ready, with both roles' current revision equal to an update revision other than the old one. */
function updated(s: EmqxStatus | undefined, oldCore: string | undefined, oldRepl: string | undefined) {
  const core = s?.coreNodesStatus;
  const repl = s?.replicantNodesStatus;
  return (
    (s?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True") &&
    core?.updateRevision !== oldCore &&
    core?.currentRevision === core?.updateRevision &&
    repl?.updateRevision !== oldRepl &&
    repl?.currentRevision === repl?.updateRevision
  );
}

async function measure(bench: BenchSandbox, emulator: EmulatorAdmin, index: number, c: Case) {
  const namespace = `bluegreen-${index}`;
  await createNamespace(bench, namespace);
  const reconciler = await startQuietReconciler(bench, namespace);
  try {
    await applyCopies(bench, namespace, ["emqx"]);
    await waitAllReady(bench, namespace, ["emqx"], performance.now());
    const before = await status(bench, namespace);
    if (c.sessionsOnOneReplicant) {
      const pods = await bench.observer.listOwned("Pod", namespace, "emqx");
      const replicant = pods
        .map((p) => p.metadata?.name ?? "")
        .filter((n) => n.startsWith("emqx-replicant-"))
        .sort()
        .at(-1);
      await emulator.setConnections(`${namespace}/${replicant}`, 20);
    }
    reconciler.gateway.resetStats();
    const spec = {
      image: "emqx/emqx:6.0.2",
      ...(c.updateStrategy ? { updateStrategy: c.updateStrategy } : {}),
    };
    const started = performance.now();
    await kubectl(bench, [
      "patch",
      "emqx",
      "emqx",
      "-n",
      namespace,
      "--type=merge",
      "-p",
      JSON.stringify({ spec }),
    ]);
    const oldCore = before?.coreNodesStatus?.currentRevision;
    const oldRepl = before?.replicantNodesStatus?.currentRevision;
    while (!updated(await status(bench, namespace), oldCore, oldRepl)) {
      if (performance.now() - started > 10 * 60_000) throw new Error(`${c.label}: not Ready after 10 min`);
      await sleep(50);
    }
    const elapsed = performance.now() - started;
    console.log(`  ${c.label}: Ready after ${seconds(elapsed)}`);
    console.log(`    Kubernetes requests ${describeRequests(reconciler.gateway.stats())}`);
  } finally {
    await stopReconciler(reconciler);
  }
}

console.log("seed example, image 6.0.1 → 6.0.2 → Ready on the new revisions; operator 2.2.30:");
console.log("  52.6 s with the default updateStrategy, old StatefulSet and ReplicaSet kept at 0 replicas");
const bench = await openBenchSandbox("bench-bluegreen", { podStartDelayMs: 0 });
try {
  const emulator = new EmulatorAdmin(bench.sandbox.emulatorAdminUrl ?? "");
  for (const [index, c] of CASES.entries()) await measure(bench, emulator, index, c);
} finally {
  await bench.close();
}
