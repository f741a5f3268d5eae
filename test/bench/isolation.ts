/**
 * Isolation between clusters on the AWS path: ISO_CLUSTERS healthy clusters (sandbox namespaces registered as
 * clusters, moto for SQS, SSM, Secrets Manager and the bus) with ISO_CRS one-core CRs each, reconciled by the
 * reconcile function fed real FIFO batches by two concurrent invocations. Each of ISO_ROUNDS rounds deletes every
 * CR's dashboard Service and puts one hint per CR on the queue; a CR's reconcile latency is the time from its hint
 * to its Service being back. The same rounds run twice: without, then with a cluster that hangs for the whole run
 * (a TCP server that accepts and never answers) and gets hints for three more of its CRs in every round. Failed
 * records keep the retry delay the handler gives them, as under Lambda.
 * Run: `npm run bench -- isolation` (ISO_CLUSTERS=4 ISO_CRS=2 ISO_ROUNDS=8). Prints numbers; asserts nothing.
 */
import { once } from "node:events";
import { createServer, type Socket } from "node:net";
import { HintQueue } from "@emqx-reconciler/adapters/aws";
import type { Hint } from "@emqx-reconciler/api";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import { type AwsTestbed, openAwsTestbed } from "../aws/e2e/support/awsTestbed.ts";
import { loadFleetHandlers, runFleet } from "../aws/e2e/support/fleetDriver.ts";
import { createNamespace, openBenchSandbox, quantile, seconds, sleep } from "../e2e/support/benchKit.ts";
import type { Testbed } from "../e2e/support/testbed.ts";

const CLUSTERS = Number(process.env.ISO_CLUSTERS ?? 4);
const CRS = Number(process.env.ISO_CRS ?? 2);
const ROUNDS = Number(process.env.ISO_ROUNDS ?? 8);
const ROUND_TIMEOUT_MS = 120_000;
const clusters = Array.from({ length: CLUSTERS }, (_, i) => ({ id: `c${i}`, ns: `iso-${i}` }));
const names = Array.from({ length: CRS }, (_, i) => `emqx-${i}`);

const cr = (name: string) =>
  JSON.stringify({
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name },
    spec: { image: "emqx/emqx:5.8.6", coreTemplate: { spec: { replicas: 1 } } },
  });

process.env.POWERTOOLS_LOG_LEVEL ??= "ERROR";
const bench = await openBenchSandbox("bench-isolation", { podStartDelayMs: 0 });
const sockets: Socket[] = [];
const hangServer = createServer((socket) => void sockets.push(socket));
let aws: AwsTestbed | undefined;
try {
  const testbed: Testbed = {
    sandbox: bench.sandbox,
    gateway: bench.observer,
    emulator: await EmulatorAdmin.fromStateDir(bench.sandbox.stateDir),
  };
  for (const c of clusters) await createNamespace(bench, c.ns);
  const awsBed = await openAwsTestbed(
    testbed,
    clusters.map((c) => c.ns),
  );
  aws = awsBed;
  hangServer.listen(0, "127.0.0.1");
  await once(hangServer, "listening");
  const { port } = hangServer.address() as { port: number };
  const hangArn = await awsBed.putKubeconfig("emqx-reconciler/hang", `http://127.0.0.1:${port}`);
  const sandboxAuth = { type: "kubeconfig", secretArn: awsBed.sandboxSecretArn };
  await awsBed.putRegistry([
    ...clusters.map((c) => ({ id: c.id, auth: sandboxAuth, namespaces: [c.ns] })),
    { id: "hang", auth: { type: "kubeconfig", secretArn: hangArn } },
  ]);
  Object.assign(process.env, { FORWARDER_WINDOW_SECONDS: "20", CLUSTER_DEADLINE_SECONDS: "15" });
  const fn = await loadFleetHandlers();
  const queue = new HintQueue(awsBed.sqs, { reconcileQueueUrl: awsBed.reconcileQueue.url });

  for (const c of clusters) {
    const applied = await bench.sandbox.kubectl(["apply", "-n", c.ns, "-f", "-"], {
      input: names.map(cr).join("\n---\n"),
    });
    if (applied.code !== 0) throw new Error(applied.stderr);
  }
  const printed = async () => {
    const lists = await Promise.all(clusters.map((c) => bench.observer.listEmqx(c.ns)));
    return lists.flatMap((l) =>
      l.items.map(
        (item) => (item.status as { conditions?: Array<{ type: string; status: string }> })?.conditions ?? [],
      ),
    );
  };
  const allReady = async () =>
    (await printed()).filter((conds) => conds.some((x) => x.type === "Ready" && x.status === "True"))
      .length ===
    CLUSTERS * CRS;
  const t0 = performance.now();
  if (!(await runFleet(awsBed, fn, allReady, 300_000))) throw new Error("the fleet did not reach Ready");
  console.log(
    `isolation: ${CLUSTERS} clusters × ${CRS} one-core CRs Ready through the AWS path in ${seconds(performance.now() - t0)}`,
  );

  let hangFailed = 0;
  let healthyFailed = 0;
  /** One round: every CR's dashboard Service deleted and hinted; the time until each Service is back, per CR. */
  async function round(label: string, withHang: boolean): Promise<number[]> {
    for (const c of clusters)
      await bench.sandbox.kubectl([
        "delete",
        "service",
        "-n",
        c.ns,
        ...names.map((n) => `${n}-dashboard`),
        "--wait=true",
      ]);
    const nonce = `${label}-${Date.now()}`;
    const sentAt = new Map<string, number>();
    const hints: Hint[] = clusters.flatMap((c) =>
      names.map((name) => ({ cluster: c.id, namespace: c.ns, name, cause: "resync" }) as Hint),
    );
    if (withHang)
      for (const i of [0, 1, 2])
        await queue.enqueue(
          { cluster: "hang", namespace: "x", name: `${label}-${i}`, cause: "resync" } as Hint,
          nonce,
        );
    for (const h of hints) {
      sentAt.set(`${h.namespace}/${h.name}`, performance.now());
      await queue.enqueue(h, nonce);
    }
    const latency = new Map<string, number>();
    const back = async () => {
      const lists = await Promise.all(
        clusters.map((c) => bench.observer.list("Service", { namespace: c.ns })),
      );
      const now = performance.now();
      for (const item of lists.flatMap((l) => l.items)) {
        const key = `${item.metadata?.namespace}/${item.metadata?.name?.replace(/-dashboard$/, "")}`;
        if (item.metadata?.name?.endsWith("-dashboard") && !latency.has(key) && sentAt.has(key))
          latency.set(key, now - (sentAt.get(key) ?? now));
      }
      return latency.size === hints.length;
    };
    await runFleet(awsBed, fn, back, ROUND_TIMEOUT_MS, {
      forwarder: false,
      keepHandlerVisibility: true,
      onBatch: ({ records, failed }) => {
        for (const r of records) {
          const hang = r.attributes.MessageGroupId?.startsWith("hang/") === true;
          if (hang && failed.has(r.messageId)) hangFailed += 1;
          if (!hang && failed.has(r.messageId)) healthyFailed += 1;
        }
      },
    });
    return [...latency.values()];
  }

  const report = (label: string, samples: number[]) =>
    console.log(
      `${label.padEnd(36)} n=${String(samples.length).padStart(3)}  p50 ${seconds(quantile(samples, 0.5))}  p99 ${seconds(quantile(samples, 0.99))}  max ${seconds(Math.max(...samples))}`,
    );
  const baseline: number[] = [];
  for (let r = 0; r < ROUNDS; r++) baseline.push(...(await round(`base${r}`, false)));
  const hanging: number[] = [];
  for (let r = 0; r < ROUNDS; r++) hanging.push(...(await round(`hang${r}`, true)));
  console.log(
    "reconcile latency of the healthy clusters' CRs (hint → dashboard Service back), 2 reconcile invocations at once:",
  );
  report("no hanging cluster", baseline);
  report("one cluster hanging the whole run", hanging);
  console.log(
    `samples expected per line: ${CLUSTERS * CRS * ROUNDS}; lane deadline 15 s (10 s when probing a cluster that missed it); records failed: hanging cluster ${hangFailed}, healthy clusters ${healthyFailed}`,
  );
} finally {
  for (const s of sockets) s.destroy();
  hangServer.close();
  await aws?.moto.stop();
  await bench.close();
  await sleep(0);
}
