/**
 * `npm run e2e:aws`: the seed example converges to Ready through the AWS path alone. moto carries every event
 * (PutEvents → rules → queues, FIFO groups, delays, DLQs); the forwarder, admit, reconcile, requeue and status
 * handlers run in-process on exactly what moto delivers; the sandbox is reached only as a registered cluster
 * (kubeconfig in Secrets Manager, a ServiceAccount bound by the shipped RBAC). A second registered cluster is dead,
 * and must not hold anything up. A ScaleRequest on the bus then scales the replicants through the scale function,
 * and so does the `scale` verb's `+1` sent over the bus; one for cores 0 is refused without a retry.
 */
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { OWNED_KINDS, ownedSelector } from "@emqx-reconciler/adapters";
import { eventBridgeTarget } from "@emqx-reconciler/adapters/aws";
import { DetailType, EventSource } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sendScaleRequest as sendScaleRequestOverBus } from "../../../packages/cli/src/scaleBus.ts";
import { lambdaContext } from "../../../packages/functions/test/context.ts";
import {
  closeTestbed,
  freshNamespace,
  hasCondition,
  openTestbed,
  printedStatus,
  readCr,
  type Testbed,
} from "../../e2e/support/testbed.ts";
import { receiveAll } from "../support/resources.ts";
import { type AwsTestbed, BUS, CLUSTER, openAwsTestbed } from "./support/awsTestbed.ts";
import { type Handlers, loadHandlers, runLoop } from "./support/driver.ts";
import { pollRuleTarget } from "./support/lambda.ts";
import {
  describeLambdaRequests,
  OWNED_KINDS_WATCHED,
  openedWatches,
  type PassCounter,
  passCounter,
  sandboxGateway,
} from "./support/passes.ts";

let testbed: Testbed;
let aws: AwsTestbed;
let ns: string;
let fn: Handlers;
let passes: PassCounter;

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-aws");
  aws = await openAwsTestbed(testbed, ns);
  process.env.FORWARDER_WINDOW_SECONDS = "20";
  const handlers = await loadHandlers();
  passes = passCounter(handlers.reconcile);
  fn = { ...handlers, reconcile: passes.handler };
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

describe("the seed example through the AWS path (moto + sandbox)", () => {
  it("reaches STATUS Ready, with the dead cluster failing on its own", { timeout: 240_000 }, async () => {
    // As deployed, a watch window is already open when the CR is applied: apply once the forwarder watches
    // every owned kind of the served namespace, and count from there (as the operator's count starts with its
    // informers already synced).
    const gateway = await sandboxGateway(CLUSTER);
    gateway.resetStats();
    // The lists of the seed CR's children each reconcile invocation makes (its passes run one after another).
    const childLists: number[] = [];
    const owned = new Set<string>(OWNED_KINDS);
    const list = gateway.list.bind(gateway);
    const listSpy = vi.spyOn(gateway, "list").mockImplementation((kind, options) => {
      const ours = options?.namespace === ns && options.labelSelector === ownedSelector("emqx");
      const last = childLists.length - 1;
      if (ours && owned.has(kind) && last >= 0) childLists[last] = (childLists[last] ?? 0) + 1;
      return list(kind, options);
    });
    const counted = {
      ...fn,
      reconcile: ((event, context) => {
        childLists.push(0);
        return fn.reconcile(event, context);
      }) as Handlers["reconcile"],
    };
    let started = Number.NaN;
    const applyThenReady = async () => {
      // kubectl is spawned only once the condition is there, so the loop's deliveries do not wait on it each round.
      if (!Number.isNaN(started))
        return (
          hasCondition(await readCr(testbed, ns), "Ready") && (await printedStatus(testbed, ns)) === "Ready"
        );
      if (openedWatches(gateway.stats()) < OWNED_KINDS_WATCHED) return false;
      gateway.resetStats();
      passes.reset();
      childLists.length = 0;
      started = Date.now();
      await testbed.sandbox.kubectl(["apply", "-n", ns, "-f", "examples/emqx-core-replicant.yaml"]);
      return false;
    };
    const { done, doneAt, statusRuns } = await runLoop(aws, counted, applyThenReady, 180_000);
    listSpy.mockRestore();
    const seconds = (doneAt - started) / 1000;
    const requests = describeLambdaRequests(gateway.stats(), passes.count());
    console.log(
      `AWS path: kubectl apply → Ready in ${seconds.toFixed(1)} s (${statusRuns.length} status runs); ${requests}; children lists per reconcile invocation ${childLists.join(" / ")}`,
    );
    expect(done).toBe(true);
    expect(passes.count()).toBeGreaterThan(0);
    // Each hint carries the digests of the CR's children per kind: a pass lists only the kinds that changed
    // since this container last saw them, where it used to list all seven every pass.
    expect(childLists.length).toBeGreaterThan(1);
    expect(childLists.slice(1).some((n) => n < OWNED_KINDS.length)).toBe(true);
    expect(childLists.reduce((a, b) => a + b, 0)).toBeLessThan(OWNED_KINDS.length * childLists.length);
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
    expect((await runLoop(aws, fn, scaled, 90_000)).done).toBe(true);
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
    expect((await runLoop(aws, fn, scaled, 90_000)).done).toBe(true);
  });

  it("refuses a ScaleRequest for cores 0 from the bus: the CR is unchanged and nothing is retried", async () => {
    const before = await readCr(testbed, ns);
    await sendScaleRequest("core", 0);
    expect(await pollRuleTarget(aws.sqs, aws.inboxes.scaleRequests, fn.scale, "scale")).toBe(1);
    expect(await pollRuleTarget(aws.sqs, aws.inboxes.scaleRequests, fn.scale, "scale")).toBe(0);
    expect((await readCr(testbed, ns))?.metadata?.resourceVersion).toBe(before?.metadata?.resourceVersion);
  });

  it("R44 drops a hint naming an unregistered cluster at admission, and leaves every DLQ empty", async () => {
    // Hints the last forwarder windows published after the scale loop's final poll are admitted first (bounded),
    // so the inbox holds the spoof alone.
    for (let round = 0; round < 10; round++)
      if ((await pollRuleTarget(aws.sqs, aws.inboxes.reconcileHints, fn.admit, "admit")) === 0) break;
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
    // The inbox may still hold hints of the last test's watch windows besides the spoofed one.
    expect(await pollRuleTarget(aws.sqs, aws.inboxes.reconcileHints, fn.admit, "admit")).toBeGreaterThan(0);
    const queued = await receiveAll(aws.sqs, aws.reconcileQueue.url);
    expect(queued.map((m) => JSON.parse(m.Body ?? "{}").cluster)).not.toContain("not-registered");
    for (const dlq of aws.dlqs) expect(await receiveAll(aws.sqs, dlq.url)).toEqual([]);
    expect(CLUSTER).toBe("sandbox");
  });

  it("R15 a Service deleted while no forwarder window ran is back after the next window's resync", {
    timeout: 120_000,
  }, async () => {
    const deleted = await testbed.sandbox.kubectl(["delete", "service", "emqx-dashboard", "-n", ns]);
    expect(deleted.code).toBe(0);
    const repaired = async () =>
      (await testbed.gateway.get("Service", ns, "emqx-dashboard")) !== undefined &&
      (await printedStatus(testbed, ns)) === "Ready";
    expect((await runLoop(aws, fn, repaired, 90_000)).done).toBe(true);
  });
});
