/**
 * A deleted generated Secret under a Ready CR (operator bug #1268: the operator recreates it with new random
 * values, the running pods keep the old API key, every API call gets 401 for good): the reconciler recreates it
 * from its own copy, `<name>-reconciler-state`, with the values the pods use, and the CR is Ready again without a
 * pod restart, with no 401 after the Secret came back and no secret value in status, annotations, Events or logs.
 */
import { childNames } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  hasCondition,
  kubectl,
  openTestbed,
  printedStatus,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

/** How long a CR may take to be Ready again after a Secret is deleted. */
const RECOVERY_BOUND_MS = 30_000;

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;
let values: string[];
const names = childNames("emqx");

async function secretValue(name: string): Promise<Record<string, string> | undefined> {
  return testbed.gateway.getSecret(ns, name);
}

async function podUids(): Promise<string[]> {
  const pods = await testbed.gateway.listOwned("Pod", ns, "emqx");
  return pods.map((p) => p.metadata?.uid ?? "").sort();
}

/** Everything a user or a tool can read about the CR besides its Secrets, as one text. */
async function visibleText(): Promise<string> {
  const cr = await readCr(testbed, ns);
  const events = await kubectl(testbed, ["get", "events", "-n", ns, "-o", "json"]);
  return JSON.stringify([cr?.metadata?.annotations ?? {}, cr?.status ?? {}, events, embedded.logs]);
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-credentials");
  embedded = await startEmbedded(testbed, ns);
  await convergeSeed(testbed, ns);
  const state = await secretValue(names.reconcilerState);
  values = [state?.controller_password ?? "", state?.node_cookie ?? ""];
}, 150_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("credentials that recover", () => {
  it("the state copy holds the values of both generated Secrets, and nothing shows them", async () => {
    const [password, cookie] = values;
    expect(password).toMatch(/^[a-z0-9]{64}$/);
    expect((await secretValue(names.bootstrapApiKey))?.bootstrap_api_key).toContain(
      `emqx-operator-controller:${password}`,
    );
    expect((await secretValue(names.nodeCookie))?.node_cookie).toBe(cookie);
    const text = await visibleText();
    for (const value of values) expect(text).not.toContain(value);
  });

  it.each([
    { secret: names.bootstrapApiKey, key: "bootstrap_api_key" },
    { secret: names.nodeCookie, key: "node_cookie" },
  ])(
    "R28 deleting $secret: recreated with the same values, Ready again with the pods untouched",
    { timeout: 60_000 },
    async ({ secret, key }) => {
      const before = (await secretValue(secret))?.[key];
      const pods = await podUids();
      const start = Date.now();
      await kubectl(testbed, ["delete", "secret", secret, "-n", ns]);

      const back = await waitFor(`${secret} to come back`, async () => (await secretValue(secret))?.[key]);
      const recreatedAt = Date.now();
      await embedded.reconciler.runtime.refreshStatusNow();
      await waitFor(
        "Ready with fresh node status",
        async () => {
          const cr = await readCr(testbed, ns);
          const fresh = !hasCondition(cr, "NodeStatusStale") && hasCondition(cr, "Ready");
          return fresh && (await printedStatus(testbed, ns)) === "Ready" ? true : undefined;
        },
        RECOVERY_BOUND_MS,
        async () => (await readCr(testbed, ns))?.status?.conditions,
      );
      const elapsed = Date.now() - start;
      console.log(`${secret} deleted → recreated in ${recreatedAt - start} ms, Ready in ${elapsed} ms`);

      expect(back).toBe(before);
      expect(await podUids()).toEqual(pods);
      await embedded.settle();
      const requests = await testbed.emulator.requests();
      const rejected = requests.recent.filter((r) => r.status === 401 && r.at >= recreatedAt);
      expect(rejected).toEqual([]);
      const events = await kubectl(testbed, ["get", "events", "-n", ns, "-o", "json"]);
      expect(events).toContain(
        `Secret ${secret} was missing: recreated with the values the running pods use`,
      );
      const text = await visibleText();
      for (const value of values) expect(text).not.toContain(value);
    },
  );
});
