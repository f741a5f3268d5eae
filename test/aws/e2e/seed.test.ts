/**
 * `npm run e2e:aws`: the seed example converges to Ready through the AWS path alone. moto carries every event
 * (PutEvents → rules → queues, FIFO groups, delays, DLQs); the forwarder, admit, reconcile, requeue and status
 * handlers run in-process on exactly what moto delivers; the sandbox is reached only as a registered cluster
 * (kubeconfig in Secrets Manager, a ServiceAccount bound by the shipped RBAC). A second registered cluster is dead,
 * and must not hold anything up. A ScaleRequest on the bus then scales the replicants through the scale function,
 * and so does the `scale` verb's `+1` sent over the bus; one for cores 0 is refused without a retry.
 */
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { eventBridgeTarget } from "@emqx-reconciler/adapters/aws";
import { DetailType, EventSource } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendScaleRequest as sendScaleRequestOverBus } from "../../../packages/cli/src/scaleBus.ts";
import { lambdaContext } from "../../../packages/functions/test/context.ts";
import {
  closeTestbed,
  freshNamespace,
  openTestbed,
  printedStatus,
  readCr,
  sleep,
  type Testbed,
} from "../../e2e/support/testbed.ts";
import { receiveAll } from "../support/resources.ts";
import { type AwsTestbed, BUS, CLUSTER, openAwsTestbed } from "./support/awsTestbed.ts";
import { type Handler, pollQueue, pollRuleTarget } from "./support/lambda.ts";

let testbed: Testbed;
let aws: AwsTestbed;
let ns: string;
let fn: Record<"admit" | "reconcile" | "requeue" | "status" | "forwarder" | "scale", Handler>;

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-aws");
  aws = await openAwsTestbed(testbed, ns);
  process.env.FORWARDER_WINDOW_SECONDS = "20";
  const load = async (name: string) =>
    ((await import(`../../../packages/functions/src/${name}.ts`)) as { handler: Handler }).handler;
  fn = {
    admit: await load("admit"),
    reconcile: await load("reconcile"),
    requeue: await load("requeue"),
    status: await load("status"),
    forwarder: await load("forwarder"),
    scale: await load("scale"),
  };
});

afterAll(async () => {
  await aws?.moto.stop();
  await closeTestbed(testbed, ns);
});

/** Puts a `ScaleRequest` for the seed CR on the bus, as an autoscaler would. */
async function sendScaleRequest(role: "core" | "replicant", replicas: number): Promise<void> {
  const request = { cluster: CLUSTER, namespace: ns, name: "emqx", role, replicas };
  const entry = {
    EventBusName: BUS,
    Source: EventSource.Scale,
    DetailType: DetailType.ScaleRequest,
    Detail: JSON.stringify(request),
  };
  await aws.eventBridge.send(new PutEventsCommand({ Entries: [entry] }));
}

/** The schedules and event sources of the deployment, sped up: windows every 15 s, status every 5 s. */
async function runLoop(until: () => Promise<boolean>, timeoutMs: number) {
  const windows: Array<Promise<unknown>> = [];
  const statusRuns: Array<{ clusters: number; failed: number }> = [];
  let nextWindow = 0;
  let nextStatus = Date.now() + 5_000;
  const deadline = Date.now() + timeoutMs;
  let done = false;
  let doneAt = Number.NaN;
  while (!done && Date.now() < deadline) {
    if (Date.now() >= nextWindow) {
      windows.push(
        fn.forwarder({ shard: 0, shards: 1 } as never, lambdaContext("forwarder", 40_000) as never),
      );
      nextWindow = Date.now() + 15_000;
      await sleep(500);
    }
    if (Date.now() >= nextStatus) {
      statusRuns.push(
        (await fn.status({} as never, lambdaContext("status") as never)) as {
          clusters: number;
          failed: number;
        },
      );
      nextStatus = Date.now() + 5_000;
    }
    const moved =
      (await pollRuleTarget(aws.sqs, aws.inboxes.reconcileHints, fn.admit, "admit")) +
      (await pollQueue(aws.sqs, aws.reconcileQueue, fn.reconcile, "reconcile")) +
      (await pollQueue(aws.sqs, aws.delayQueue, fn.requeue, "requeue"));
    done = await until();
    if (done) doneAt = Date.now();
    if (moved === 0 && !done) await sleep(200);
  }
  await Promise.allSettled(windows);
  return { done, doneAt, statusRuns };
}

describe("the seed example through the AWS path (moto + sandbox)", () => {
  it("reaches STATUS Ready, with the dead cluster failing on its own", { timeout: 240_000 }, async () => {
    const started = Date.now();
    await testbed.sandbox.kubectl(["apply", "-n", ns, "-f", "examples/emqx-core-replicant.yaml"]);
    const ready = async () => (await printedStatus(testbed, ns)) === "Ready";
    const { done, doneAt, statusRuns } = await runLoop(ready, 180_000);
    const seconds = (doneAt - started) / 1000;
    console.log(
      `AWS path: kubectl apply → Ready in ${seconds.toFixed(1)} s (${statusRuns.length} status runs)`,
    );
    expect(done).toBe(true);
    const status = (await readCr(testbed, ns))?.status;
    expect(status?.coreNodes).toHaveLength(2);
    expect(status?.replicantNodes).toHaveLength(3);
    // A scheduled status run: the sandbox refreshed, the dead cluster failed alone, within its deadline.
    const t0 = Date.now();
    expect(await fn.status({} as never, lambdaContext("status") as never)).toEqual({
      clusters: 2,
      failed: 1,
    });
    expect(Date.now() - t0).toBeLessThan(12_000);
  });

  it("scales replicants 3 → 4 from a ScaleRequest on the bus, through the scale subresource", {
    timeout: 120_000,
  }, async () => {
    await sendScaleRequest("replicant", 4);
    expect(await pollRuleTarget(aws.sqs, aws.inboxes.scaleRequests, fn.scale, "scale")).toBe(1);
    const cr = await readCr(testbed, ns);
    expect(
      (cr?.spec as { replicantTemplate?: { spec?: { replicas?: number } } })?.replicantTemplate?.spec
        ?.replicas,
    ).toBe(4);
    const scaled = async () =>
      (await printedStatus(testbed, ns)) === "Ready" &&
      (await readCr(testbed, ns))?.status?.replicantNodes?.length === 4;
    expect((await runLoop(scaled, 90_000)).done).toBe(true);
  });

  it("the scale verb's +1 over the bus: 4 → 5 through EventBridge, the queue and the scale function", {
    timeout: 120_000,
  }, async () => {
    const sent = await sendScaleRequestOverBus(
      { getEmqx: (namespace, name) => testbed.gateway.getEmqx(namespace, name) },
      eventBridgeTarget(aws.eventBridge, BUS),
      {
        cluster: CLUSTER,
        namespace: ns,
        name: "emqx",
        role: "replicant",
        change: { kind: "delta", value: 1 },
      },
    );
    expect(sent).toMatchObject({ outcome: "sent", replicas: 5 });
    expect(await pollRuleTarget(aws.sqs, aws.inboxes.scaleRequests, fn.scale, "scale")).toBe(1);
    const cr = await readCr(testbed, ns);
    expect(
      (cr?.spec as { replicantTemplate?: { spec?: { replicas?: number } } })?.replicantTemplate?.spec
        ?.replicas,
    ).toBe(5);
    const events = await testbed.gateway.listEvents(ns, "emqx", "ScaleRequested");
    expect(events.some((e) => e.message?.includes("emqx-reconciler scale"))).toBe(true);
    const scaled = async () =>
      (await printedStatus(testbed, ns)) === "Ready" &&
      (await readCr(testbed, ns))?.status?.replicantNodes?.length === 5;
    expect((await runLoop(scaled, 90_000)).done).toBe(true);
  });

  it("refuses a ScaleRequest for cores 0 from the bus: the CR is unchanged and nothing is retried", async () => {
    const before = await readCr(testbed, ns);
    await sendScaleRequest("core", 0);
    expect(await pollRuleTarget(aws.sqs, aws.inboxes.scaleRequests, fn.scale, "scale")).toBe(1);
    expect(await pollRuleTarget(aws.sqs, aws.inboxes.scaleRequests, fn.scale, "scale")).toBe(0);
    expect((await readCr(testbed, ns))?.metadata?.resourceVersion).toBe(before?.metadata?.resourceVersion);
  });

  it("drops a hint naming an unregistered cluster at admission, and leaves every DLQ empty", async () => {
    const spoof = { cluster: "not-registered", namespace: ns, name: "emqx", cause: "modified" };
    await aws.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: BUS,
            Source: EventSource.Forwarder,
            DetailType: DetailType.ReconcileHint,
            Detail: JSON.stringify(spoof),
          },
        ],
      }),
    );
    expect(await pollRuleTarget(aws.sqs, aws.inboxes.reconcileHints, fn.admit, "admit")).toBe(1);
    const queued = await receiveAll(aws.sqs, aws.reconcileQueue.url);
    expect(queued.map((m) => JSON.parse(m.Body ?? "{}").cluster)).not.toContain("not-registered");
    for (const dlq of aws.dlqs) expect(await receiveAll(aws.sqs, dlq.url)).toEqual([]);
    expect(CLUSTER).toBe("sandbox");
  });
});
