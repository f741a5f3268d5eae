/**
 * Secrets never leak on the AWS path: a CR carrying canary values (node cookie, dashboard password, a bootstrap
 * API key's secret, a license key in an invalid config, a token quoted in a scale request's `requestedBy`) is driven by the Lambda handlers alone (moto's EventBridge
 * and SQS, the sandbox as the registered cluster) to Ready, through a 401 from the EMQX API and an invalid config;
 * a hint for the dead registered cluster ends in the reconcile DLQ. No canary, nor the generated controller
 * password or cookie, shows up in the handlers' Powertools log lines (at DEBUG, incoming events logged), in any
 * event the functions put on the bus, in the DLQ's message bodies, or in the CR's Events, conditions, status and
 * annotations.
 */
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { childNames, DetailType, EventSource } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { stringify } from "yaml";
import {
  closeTestbed,
  freshNamespace,
  hasCondition,
  kubectl,
  openTestbed,
  patchCr,
  printedStatus,
  readCr,
  type Testbed,
} from "../../e2e/support/testbed.ts";
import { createQueue, receiveAll } from "../support/resources.ts";
import { type AwsTestbed, BUS, CLUSTER, openAwsTestbed } from "./support/awsTestbed.ts";
import { type Handlers, loadHandlers, runLoop } from "./support/driver.ts";
import { pollRuleTarget, type QueueRef } from "./support/lambda.ts";

const CANARY = {
  cookie: "canarycookie7b3d2",
  dashboard: "canarydash1f9e4",
  apiSecret: "canaryapisecret3c61",
  license: "canarylicense8a27",
  /** Free text from the bus: a requester's careless `requestedBy`, which the scale function logs and quotes. */
  requester: "canarytoken5d0c",
};

let testbed: Testbed;
let aws: AwsTestbed;
let ns: string;
let fn: Handlers;
let busTap: QueueRef;
const printed: string[] = [];
const spies: MockInstance[] = [];

function canaryCr(): object {
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name: "emqx" },
    spec: {
      image: "emqx/emqx:6.0.1",
      bootstrapAPIKeys: [{ key: "canary", secret: CANARY.apiSecret }],
      config: {
        data: [
          'license { key = "evaluation" }',
          `node.cookie = "${CANARY.cookie}"`,
          `dashboard.default_password = "${CANARY.dashboard}"`,
        ].join("\n"),
      },
      coreTemplate: { spec: { replicas: 2 } },
      replicantTemplate: { spec: { replicas: 3 } },
    },
  };
}

/** Every event the functions put on the bus reaches the tap queue too (one rule per source of ours). */
async function tapTheBus(): Promise<QueueRef> {
  const tap = await createQueue(aws.sqs, "bus-tap");
  await aws.eventBridge.send(
    new PutRuleCommand({
      Name: "canary-tap",
      EventBusName: BUS,
      EventPattern: JSON.stringify({ source: Object.values(EventSource) }),
    }),
  );
  await aws.eventBridge.send(
    new PutTargetsCommand({ Rule: "canary-tap", EventBusName: BUS, Targets: [{ Id: "tap", Arn: tap.arn }] }),
  );
  return tap;
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-aws-canaries");
  process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = "true";
  aws = await openAwsTestbed(testbed, ns);
  busTap = await tapTheBus();
  process.env.FORWARDER_WINDOW_SECONDS = "20";
  const capture = (chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  };
  spies.push(vi.spyOn(process.stdout, "write").mockImplementation(capture));
  spies.push(vi.spyOn(process.stderr, "write").mockImplementation(capture));
  fn = await loadHandlers();
}, 600_000);

afterAll(async () => {
  for (const spy of spies) spy.mockRestore();
  await testbed?.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
  await aws?.moto.stop();
  await closeTestbed(testbed, ns);
});

describe("canaries on the AWS path", () => {
  it("R45 no canary or generated credential in Powertools logs, bus events, DLQ bodies, Events, status or annotations", {
    timeout: 420_000,
  }, async () => {
    // Ready through the functions alone.
    await kubectl(testbed, ["apply", "--server-side", "-n", ns, "-f", "-"], stringify(canaryCr()));
    const ready = await runLoop(aws, fn, async () => (await printedStatus(testbed, ns)) === "Ready", 180_000);
    expect(ready.done).toBe(true);

    // A ScaleRequest whose requestedBy quotes a token: refused (cores 0), logged with the incoming event, and an
    // Event on the CR names the requester.
    await aws.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: BUS,
            Source: EventSource.Scale,
            DetailType: DetailType.ScaleRequest,
            Detail: JSON.stringify({
              cluster: CLUSTER,
              namespace: ns,
              name: "emqx",
              role: "core",
              replicas: 0,
              requestedBy: `ci-bot token=${CANARY.requester}`,
            }),
          },
        ],
      }),
    );
    expect(await pollRuleTarget(aws.sqs, aws.inboxes.scaleRequests, fn.scale, "scale")).toBe(1);
    expect(printed.join("")).toContain("ci-bot token=[REDACTED]");

    // A 401 from the EMQX API, seen by the status function.
    await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "unauthorized");
    const stale = await runLoop(
      aws,
      fn,
      async () => hasCondition(await readCr(testbed, ns), "NodeStatusStale"),
      60_000,
    );
    expect(stale.done).toBe(true);
    await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "none");

    // An invalid config quoting the license and the cookie.
    const invalid = `license { key = "${CANARY.license}" }\nnode.cookie = "${CANARY.cookie}" }}`;
    await patchCr(testbed, ns, { spec: { config: { data: invalid } } });
    const refused = await runLoop(
      aws,
      fn,
      async () => hasCondition(await readCr(testbed, ns), "InvalidSpec", "InvalidConfig"),
      60_000,
    );
    expect(refused.done).toBe(true);

    // A hint for the dead cluster fails every reconcile and ends in the reconcile DLQ.
    const [reconcileDlq] = aws.dlqs;
    const hint = { cluster: "dead", namespace: ns, name: "emqx", cause: "modified" };
    await aws.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: BUS,
            Source: EventSource.Forwarder,
            DetailType: DetailType.ReconcileHint,
            Detail: JSON.stringify(hint),
          },
        ],
      }),
    );
    const deadLetters: string[] = [];
    const dead = await runLoop(
      aws,
      fn,
      async () => {
        if (!reconcileDlq) return false;
        deadLetters.push(...(await receiveAll(aws.sqs, reconcileDlq.url)).map((m) => m.Body ?? ""));
        return deadLetters.length > 0;
      },
      120_000,
    );
    expect(dead.done).toBe(true);

    // Everything people and tools read, outside the Secrets.
    const state = await testbed.gateway.getSecret(ns, childNames("emqx").reconcilerState);
    const generated = [state?.controller_password ?? "", state?.node_cookie ?? ""].filter(
      (v) => v.length > 8,
    );
    const cr = await readCr(testbed, ns);
    const events = await kubectl(testbed, ["get", "events", "-n", ns, "-o", "json"]);
    // What the functions put on the bus: the tap also saw the test's own ScaleRequest, which is the requester's.
    const busEvents = (await receiveAll(aws.sqs, busTap.url))
      .map((m) => m.Body ?? "")
      .filter(
        (body) => (JSON.parse(body) as Record<string, unknown>)["detail-type"] !== DetailType.ScaleRequest,
      );
    const logs = printed.join("");
    expect(logs).toContain('"level":"DEBUG"');
    expect(busEvents.length).toBeGreaterThan(0);
    expect(deadLetters.join("")).toContain('"cluster":"dead"');
    expect(generated).toHaveLength(2);
    const visible = {
      logs,
      busEvents,
      deadLetters,
      events,
      status: cr?.status ?? {},
      annotations: cr?.metadata?.annotations ?? {},
    };
    for (const [where, text] of Object.entries(visible))
      for (const canary of [...Object.values(CANARY), ...generated])
        expect(JSON.stringify(text), `${where} shows a canary`).not.toContain(canary);
  });
});
