/**
 * Seed example, `kubectl apply` → `Ready`, through the AWS path and embedded, on one sandbox at the same moment:
 * each trial runs the reconciler of `run` on a namespace of its own, then the Lambda handlers on moto (the flow of
 * `npm run e2e:aws`: forwarder window already watching, admit, the FIFO reconcile queue, requeue, status) on
 * another. For each it prints the time to Ready, the reconcile passes and the Kubernetes requests; for the AWS path
 * also a timeline of every handler invocation from the apply (start–end, requests it made, how long they waited for
 * the client rate limit), where the time goes. The CR is applied once the forwarder watches every kind and the
 * cluster's request bucket has refilled from the window's opening lists.
 * Pods start at once (like for like with the operator's measurement). The machine's load average is printed with
 * every wall-clock number; passes and requests do not depend on it.
 *
 * `--rate-limit 5/10` registers the sandbox with that client rate (qps/burst) instead of the registry's default,
 * to see what the rate limit costs.
 *
 * Run: `npm run bench -- awsReady [--trials 3] [--rate-limit qps/burst]`. Prints numbers; asserts nothing.
 */
import { loadavg } from "node:os";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DEFAULT_RATE_LIMIT } from "@emqx-reconciler/adapters/aws";
import type { EmqxStatus } from "@emqx-reconciler/api";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import {
  applyCopies,
  createNamespace,
  describeRequests,
  openBenchSandbox,
  seconds,
  startQuietReconciler,
  stopReconciler,
  waitAllReady,
} from "../e2e/support/benchKit.ts";
import type { Testbed } from "../e2e/support/testbed.ts";

const at = process.argv.indexOf("--trials");
const TRIALS = at > 0 ? Number(process.argv[at + 1]) || 3 : 3;
const limitArg = process.argv.indexOf("--rate-limit");
const [qps, burst] = limitArg > 0 ? (process.argv[limitArg + 1] ?? "").split("/").map(Number) : [];
const load = () => `load ${loadavg()[0]?.toFixed(1)}`;

/** Times every PutEvents call of the functions' EventBridge clients, by the `Source` of its first entry. */
function timePutEvents(): Map<string, { calls: number; ms: number }> {
  const bySource = new Map<string, { calls: number; ms: number }>();
  const send = EventBridgeClient.prototype.send;
  EventBridgeClient.prototype.send = async function (this: EventBridgeClient, ...args: unknown[]) {
    const started = performance.now();
    try {
      return await (send as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    } finally {
      const input = (args[0] as { input?: { Entries?: Array<{ Source?: string }> } }).input;
      const source = input?.Entries?.[0]?.Source ?? "other";
      const seen = bySource.get(source) ?? { calls: 0, ms: 0 };
      bySource.set(source, { calls: seen.calls + 1, ms: seen.ms + performance.now() - started });
    }
  } as typeof send;
  return bySource;
}

function describePutEvents(bySource: Map<string, { calls: number; ms: number }>): string {
  return [...bySource]
    .map(([source, { calls, ms }]) => `${source} ${calls} (${(ms / calls).toFixed(0)} ms each)`)
    .join(", ");
}

// Set before the functions' modules load: their logger reads it when it is built.
process.env.POWERTOOLS_LOG_LEVEL ??= "ERROR";
const { CLUSTER, openAwsTestbed } = await import("../aws/e2e/support/awsTestbed.ts");
const { loadHandlers, runLoop } = await import("../aws/e2e/support/driver.ts");
const { describeLambdaRequests, OWNED_KINDS_WATCHED, openedWatches, sandboxGateway } = await import(
  "../aws/e2e/support/passes.ts"
);
const { timedHandlers } = await import("../aws/e2e/support/timeline.ts");
const bench = await openBenchSandbox("bench-aws-ready", { podStartDelayMs: 0 });
let stopMoto: (() => Promise<void>) | undefined;
try {
  const testbed: Testbed = {
    sandbox: bench.sandbox,
    gateway: bench.observer,
    emulator: await EmulatorAdmin.fromStateDir(bench.sandbox.stateDir),
  };
  const trials = Array.from({ length: TRIALS }, (_, i) => ({
    embedded: `emb-${i + 1}`,
    aws: `aws-${i + 1}`,
  }));
  for (const t of trials) for (const ns of [t.embedded, t.aws]) await createNamespace(bench, ns);
  const aws = await openAwsTestbed(
    testbed,
    trials.map((t) => t.aws),
  );
  stopMoto = () => aws.moto.stop();
  if (qps && burst)
    await aws.putRegistry(
      aws.clusters.map((c) => (c.id === CLUSTER ? { ...c, rateLimit: { qps, burst } } : c)),
    );
  process.env.FORWARDER_WINDOW_SECONDS = "20";
  const rate = qps && burst ? { qps, burst } : DEFAULT_RATE_LIMIT;
  const refillMs = (rate.burst / rate.qps) * 1000;
  const putEvents = timePutEvents();
  const gateway = await sandboxGateway(CLUSTER);
  const fn = timedHandlers(await loadHandlers(), gateway);
  const isReady = async (namespace: string) =>
    ((await bench.observer.getEmqx(namespace, "emqx"))?.status as EmqxStatus | undefined)?.conditions?.some(
      (c) => c.type === "Ready" && c.status === "True",
    ) === true;

  const limit = qps && burst ? `${qps} qps / ${burst} burst` : "the registry's default";
  console.log(
    `seed example (2 cores, 3 replicants), kubectl apply → Ready, pods Ready at once; AWS path at ${limit}`,
  );
  for (const [i, t] of trials.entries()) {
    const reconciler = await startQuietReconciler(bench, t.embedded);
    await new Promise((resolve) => setTimeout(resolve, 500));
    reconciler.gateway.resetStats();
    const embeddedLoad = load();
    const started = performance.now();
    await applyCopies(bench, t.embedded, ["emqx"]);
    const ready = (await waitAllReady(bench, t.embedded, ["emqx"], started)).get("emqx") ?? Number.NaN;
    const embeddedStats = reconciler.gateway.stats();
    await stopReconciler(reconciler);

    // As deployed, a watch window is already open when the CR is applied: apply once it watches every kind and
    // the cluster's request bucket, which its opening lists share here in one process (the deployed forwarder
    // lists in a container of its own), has refilled.
    let appliedAt = Number.NaN;
    let watchingAt = Number.NaN;
    const awsLoad = load();
    const applyThenReady = async () => {
      if (!Number.isNaN(appliedAt)) return isReady(t.aws);
      if (openedWatches(gateway.stats()) < OWNED_KINDS_WATCHED * trials.length) return false;
      watchingAt = Number.isNaN(watchingAt) ? Date.now() : watchingAt;
      if (Date.now() - watchingAt < refillMs) return false;
      gateway.resetStats();
      fn.reset();
      putEvents.clear();
      appliedAt = Date.now();
      await applyCopies(bench, t.aws, ["emqx"]);
      return false;
    };
    gateway.resetStats();
    const { done, doneAt } = await runLoop(aws, fn.handlers, applyThenReady, 180_000);
    const passes = fn.passes();
    console.log(`\ntrial ${i + 1}`);
    console.log(`  embedded (run): Ready after ${seconds(ready)} (${embeddedLoad})`);
    console.log(`    Kubernetes requests ${describeRequests(embeddedStats)}`);
    console.log(
      `  AWS path (moto): ${done ? `Ready after ${seconds(doneAt - appliedAt)}` : "not Ready in 180 s"} (${awsLoad}), ${(
        (doneAt - appliedAt) / ready
      ).toFixed(1)}× embedded`,
    );
    console.log(`    ${describeLambdaRequests(gateway.stats(), passes)}`);
    console.log(`    timeline from the apply (s): ${fn.describe(appliedAt)}`);
    console.log(`    PutEvents calls to the bus by source: ${describePutEvents(putEvents)}`);
    // Its CR goes, so the next trial's resync windows have nothing of it to reconcile.
    await bench.sandbox.kubectl(["delete", "emqx", "emqx", "-n", t.aws, "--wait=false"]);
  }
} finally {
  await stopMoto?.();
  await bench.close();
}
