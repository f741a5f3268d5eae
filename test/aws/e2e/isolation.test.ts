/**
 * Isolation between clusters on the AWS path (moto + the sandbox). Two namespaces of the sandbox are registered as
 * two clusters, `alpha` and `beta`; a third, `hang`, points at a TCP server that accepts connections and never
 * answers. The reconcile function is fed real ReceiveMessage batches from the FIFO queue, by two concurrent pollers
 * as Lambda's event source would, and failed records keep the retry delay the handler gave them. Last,
 * `emqx-reconciler status --registry` lists the same registered clusters the way the functions reach them.
 */
import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { DetailType, EventSource } from "@emqx-reconciler/api";
import type { SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lambdaContext } from "../../../packages/functions/test/context.ts";
import {
  closeTestbed,
  freshNamespace,
  kubectl,
  openTestbed,
  printedStatus,
  type Testbed,
  waitFor,
} from "../../e2e/support/testbed.ts";
import { type AwsTestbed, BUS, openAwsTestbed, REGISTRY } from "./support/awsTestbed.ts";
import { loadFleetHandlers, runFleet } from "./support/fleetDriver.ts";
import { pollQueue, pollRuleTarget } from "./support/lambda.ts";

let testbed: Testbed;
let aws: AwsTestbed;
let nsA: string;
let nsB: string;
let hangServer: Server;
const hangSockets: Socket[] = [];
let registry: object[];
let fn: Awaited<ReturnType<typeof loadFleetHandlers>>;

/** A one-core CR (the quickest to reach Ready). */
const coreOnly = (namespace: string) => ({
  apiVersion: "apps.emqx.io/v2beta1",
  kind: "EMQX",
  metadata: { name: "emqx", namespace },
  spec: { image: "emqx/emqx:5.8.6", coreTemplate: { spec: { replicas: 1 } } },
});

beforeAll(async () => {
  testbed = await openTestbed();
  nsA = await freshNamespace(testbed, "iso-alpha");
  nsB = await freshNamespace(testbed, "iso-beta");
  aws = await openAwsTestbed(testbed, [nsA, nsB]);
  hangServer = createServer((socket) => void hangSockets.push(socket));
  hangServer.listen(0, "127.0.0.1");
  await once(hangServer, "listening");
  const { port } = hangServer.address() as { port: number };
  const hangArn = await aws.putKubeconfig("emqx-reconciler/hang", `http://127.0.0.1:${port}`);
  const sandbox = { type: "kubeconfig", secretArn: aws.sandboxSecretArn };
  registry = [
    { id: "alpha", auth: sandbox, namespaces: [nsA] },
    { id: "beta", auth: sandbox, namespaces: [nsB] },
    { id: "hang", auth: { type: "kubeconfig", secretArn: hangArn } },
  ];
  await aws.putRegistry(registry);
  Object.assign(process.env, { FORWARDER_WINDOW_SECONDS: "20", CLUSTER_DEADLINE_SECONDS: "15" });
  fn = await loadFleetHandlers();
});

afterAll(async () => {
  for (const socket of hangSockets) socket.destroy();
  hangServer?.close();
  await aws?.moto.stop();
  await testbed?.sandbox.kubectl(["delete", "namespace", nsB, "--wait=false", "--ignore-not-found"]);
  await closeTestbed(testbed, nsA);
});

/** Puts reconcile hints on the bus, as the forwarder would. */
async function hint(...keys: Array<[cluster: string, namespace: string, name: string]>): Promise<void> {
  const Entries = keys.map(([cluster, namespace, name]) => ({
    EventBusName: BUS,
    Source: EventSource.Forwarder,
    DetailType: DetailType.ReconcileHint,
    Detail: JSON.stringify({ cluster, namespace, name, cause: "modified" }),
  }));
  await aws.eventBridge.send(new PutEventsCommand({ Entries }));
}

/** Every batch the reconcile function answered: each record's `cluster/namespace/name` and whether it failed. */
interface Answered {
  key: string;
  failed: boolean;
}
const answered: Answered[][] = [];
function recordBatch({ records, failed }: { records: SQSRecord[]; failed: ReadonlySet<string> }): void {
  answered.push(
    records.map((r) => ({ key: r.attributes.MessageGroupId ?? "", failed: failed.has(r.messageId) })),
  );
}

async function notVisible(): Promise<number> {
  const out = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: aws.reconcileQueue.url,
      AttributeNames: ["ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? Number.NaN);
}

describe("a hanging cluster on the AWS path (moto + sandbox)", () => {
  it("fails only the hanging cluster's records of a mixed batch, and releases the others before the batch ends", {
    timeout: 120_000,
  }, async () => {
    for (const ns of [nsA, nsB]) await kubectl(testbed, ["apply", "-f", "-"], JSON.stringify(coreOnly(ns)));
    await hint(["hang", "ns-x", "a"], ["alpha", nsA, "emqx"], ["hang", "ns-x", "b"], ["beta", nsB, "emqx"]);
    expect(await pollRuleTarget(aws.sqs, aws.inboxes.reconcileHints, fn.admit, "admit")).toBe(4);

    // One real ReceiveMessage batch holds all four CRs (four message groups).
    let settled = false;
    const batch = pollQueue(aws.sqs, aws.reconcileQueue, fn.reconcile, "reconcile", {
      keepHandlerVisibility: true,
      onBatch: recordBatch,
    }).finally(() => {
      settled = true;
    });
    // alpha's and beta's records are deleted while the hanging lane still waits for its deadline.
    await waitFor(
      "the healthy records deleted",
      async () => ((await notVisible()) === 2 ? true : undefined),
      60_000,
    );
    expect(settled).toBe(false);
    expect(await batch).toBe(4);

    const [first] = answered;
    expect(first?.map((r) => `${r.key} ${r.failed ? "failed" : "done"}`).sort()).toEqual([
      `alpha/${nsA}/emqx done`,
      `beta/${nsB}/emqx done`,
      "hang/ns-x/a failed",
      "hang/ns-x/b failed",
    ]);
    // The healthy clusters' first pass really ran: their core StatefulSets exist.
    for (const ns of [nsA, nsB])
      expect(await kubectl(testbed, ["get", "statefulsets", "-n", ns, "-o", "name"])).toMatch(
        /statefulset\.apps\/emqx-core-/,
      );
    // The hanging cluster's records come back after the handler's backoff (30 s), not at once.
    expect(await notVisible()).toBe(2);
  });

  it("brings both healthy clusters' CRs to Ready while the hanging cluster's records keep failing alone", {
    timeout: 240_000,
  }, async () => {
    const ready = async () =>
      (await printedStatus(testbed, nsA)) === "Ready" && (await printedStatus(testbed, nsB)) === "Ready";
    const options = { keepHandlerVisibility: true, onBatch: recordBatch };
    expect(await runFleet(aws, fn, ready, 200_000, options)).toBe(true);
    const records = answered.flat();
    const failedClusters = new Set(records.filter((r) => r.failed).map((r) => r.key.split("/")[0]));
    expect([...failedClusters]).toEqual(["hang"]);
    expect(records.some((r) => r.key.startsWith("alpha/") && !r.failed)).toBe(true);
    expect(records.some((r) => r.key.startsWith("beta/") && !r.failed)).toBe(true);
  });

  it("refreshes the healthy clusters' status while the hanging one fails alone in the status function", async () => {
    expect(await fn.status({} as never, lambdaContext("status") as never)).toEqual({
      clusters: 3,
      failed: 1,
    });
    expect(await printedStatus(testbed, nsA)).toBe("Ready");
  });
});

const MAIN = join(import.meta.dirname, "..", "..", "..", "packages", "cli", "src", "main.ts");

/** `emqx-reconciler status …` as a user runs it, with the AWS environment of the test (moto). */
async function statusCli(...args: string[]) {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, "status", ...args]);
    return { stdout, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe("emqx-reconciler status --registry", () => {
  const expected = () => ({
    items: [
      { cluster: "alpha", namespace: nsA, name: "emqx", phase: "Ready", cores: { ready: 1, desired: 1 } },
      { cluster: "beta", namespace: nsB, name: "emqx", phase: "Ready", cores: { ready: 1, desired: 1 } },
    ],
    errors: [{ cluster: "hang" }],
  });

  it("lists every CR of every cluster of the SSM registry, and names the hanging cluster under them", {
    timeout: 60_000,
  }, async () => {
    const out = await statusCli("--registry", `ssm:${REGISTRY}`, "--timeout", "3", "-o", "json");
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject(expected());
    const table = await statusCli("--registry", `ssm:${REGISTRY}`, "--timeout", "3");
    expect(table.stdout).toMatch(new RegExp(`^alpha +${nsA}/emqx +Ready +1/1 `, "m"));
    expect(table.stdout).toMatch(/^hang: cannot list EMQX CRs: .+/m);
  });

  it("reads the same registry from a file, and refuses a bad one naming the field", {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "registry-"));
    writeFileSync(join(dir, "good.json"), JSON.stringify({ clusters: registry }));
    const out = await statusCli("--registry", join(dir, "good.json"), "--timeout", "3", "-o", "json");
    expect(JSON.parse(out.stdout)).toMatchObject(expected());
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({ clusters: [{ id: "a/b", auth: { type: "eks" } }] }),
    );
    const bad = await statusCli("--registry", join(dir, "bad.json"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("clusters[0].id: must be 1–63 letters");
  });
});
