/**
 * Secrets never leak on the embedded path: a CR carrying canary values (node cookie, dashboard password, a
 * bootstrap API key's secret in the spec, a license key in an invalid config) goes to Ready, then through an
 * invalid config and a 401 from the EMQX API; no canary, nor the generated controller password or cookie, shows
 * up in the reconciler's logs, the namespace's Events, the CR's status, conditions or annotations, or the bus.
 */
import { childNames } from "@emqx-reconciler/api";
import type { BusEvent } from "@emqx-reconciler/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { SEED_SHAPE, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  hasCondition,
  kubectl,
  openTestbed,
  patchCr,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

const CANARY = {
  cookie: "canarycookie4f7a1",
  dashboard: "canarydash8c2e9",
  apiSecret: "canaryapisecret55aa",
  license: "canarylicense0c4e",
};

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;
const bus: BusEvent[] = [];

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

/** Everything outside the Secrets that people and tools read. */
async function visibleText(): Promise<string> {
  const cr = await readCr(testbed, ns);
  const events = await kubectl(testbed, ["get", "events", "-n", ns, "-o", "json"]);
  return JSON.stringify([cr?.metadata?.annotations ?? {}, cr?.status ?? {}, events, embedded.logs, bus]);
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-canaries");
  embedded = await startEmbedded(testbed, ns);
  embedded.reconciler.runtime.bus.addRule({
    name: "canary-tap",
    pattern: { source: [{ prefix: "" }] },
    target: (event) => {
      bus.push(event);
    },
  });
  await kubectl(testbed, ["apply", "--server-side", "-n", ns, "-f", "-"], stringify(canaryCr()));
  await waitForShape(testbed, ns, SEED_SHAPE);
}, 150_000);

afterAll(async () => {
  await testbed?.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("canaries", () => {
  it("R45 no canary or generated credential in logs, Events, status, annotations or bus events", {
    timeout: 90_000,
  }, async () => {
    const { runtime } = embedded.reconciler;
    await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "unauthorized");
    await runtime.refreshStatusNow();
    await waitFor("NodeStatusStale", async () =>
      hasCondition(await readCr(testbed, ns), "NodeStatusStale") ? true : undefined,
    );
    await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
    const invalid = `license { key = "${CANARY.license}" }\nnode.cookie = "${CANARY.cookie}" }}`;
    await patchCr(testbed, ns, { spec: { config: { data: invalid } } });
    await waitFor("InvalidConfig", async () =>
      hasCondition(await readCr(testbed, ns), "InvalidSpec", "InvalidConfig") ? true : undefined,
    );
    await embedded.settle();

    const state = await testbed.gateway.getSecret(ns, childNames("emqx").reconcilerState);
    const generated = [state?.controller_password ?? "", state?.node_cookie ?? ""].filter(
      (v) => v.length > 8,
    );
    const text = await visibleText();
    expect(embedded.logs.length).toBeGreaterThan(0);
    expect(bus.length).toBeGreaterThan(0);
    for (const canary of [...Object.values(CANARY), ...generated]) expect(text).not.toContain(canary);
  });
});
