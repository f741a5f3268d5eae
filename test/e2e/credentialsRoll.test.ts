/**
 * Credentials with no copy left: `<name>-bootstrap-api-key` and `<name>-reconciler-state` deleted together under a
 * Ready CR. The reconciler cannot know the API key the running pods loaded, so it generates a new one under a new
 * credentials generation (a pod-template annotation, never a value) and replaces the pods: the new cores load the
 * new key, EMQX keeps it cluster-wide, the API answers again and the CR is Ready within a bound, with every pod
 * replaced. The status keeps the last node lists meanwhile, and the old key is refused afterwards.
 */
import { ANNOTATION_CREDENTIALS_GENERATION, childNames } from "@emqx-reconciler/api";
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
  sleep,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

/** How long the CR may take to be Ready again, every pod replaced (a blue-green update on a loaded machine). */
const ROLL_BOUND_MS = 240_000;

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;
const names = childNames("emqx");

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-credentials-roll");
  embedded = await startEmbedded(testbed, ns);
  await convergeSeed(testbed, ns);
}, 150_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

async function pods() {
  return testbed.gateway.listOwned("Pod", ns, "emqx");
}

/** `GET /api/v5/nodes` on a core pod with the reconciler's key name and `password`: the HTTP status. */
async function apiStatusWith(password: string): Promise<number> {
  const core = (await pods()).find(
    (p) => p.metadata?.labels?.["apps.emqx.io/db-role"] === "core" && !p.metadata?.deletionTimestamp,
  );
  const ip = (core?.status as { podIP?: string } | undefined)?.podIP;
  const auth = Buffer.from(`emqx-operator-controller:${password}`).toString("base64");
  const res = await fetch(`http://${ip}:18083/api/v5/nodes`, { headers: { authorization: `Basic ${auth}` } });
  await res.arrayBuffer();
  return res.status;
}

describe("credentials with no copy left", () => {
  it("new values, every pod replaced, Ready again within the bound; the old key is refused", {
    timeout: ROLL_BOUND_MS + 60_000,
  }, async () => {
    const before = await testbed.gateway.getSecret(ns, names.reconcilerState);
    const oldPassword = before?.controller_password ?? "";
    const oldPods = new Set((await pods()).map((p) => p.metadata?.uid));
    expect(oldPassword).toMatch(/^[a-z0-9]{64}$/);
    expect(await apiStatusWith(oldPassword)).toBe(200);

    let sampling = true;
    const nodeCounts: number[] = [];
    const sampler = (async () => {
      while (sampling) {
        nodeCounts.push((await readCr(testbed, ns))?.status?.coreNodes?.length ?? 0);
        await sleep(250);
      }
    })();
    const start = Date.now();
    await kubectl(testbed, ["delete", "secret", names.bootstrapApiKey, names.reconcilerState, "-n", ns]);

    const state = await waitFor("a new state copy", async () =>
      testbed.gateway.getSecret(ns, names.reconcilerState),
    );
    const newPassword = state.controller_password ?? "";
    await waitFor(
      "Ready with fresh node status and every pod replaced",
      async () => {
        await embedded.reconciler.runtime.refreshStatusNow();
        const cr = await readCr(testbed, ns);
        const fresh = !hasCondition(cr, "NodeStatusStale") && hasCondition(cr, "Ready");
        const live = (await pods()).filter((p) => !p.metadata?.deletionTimestamp);
        const replaced = live.length === 5 && live.every((p) => !oldPods.has(p.metadata?.uid));
        return fresh && replaced && (await printedStatus(testbed, ns)) === "Ready" ? true : undefined;
      },
      ROLL_BOUND_MS,
      async () => ({
        conditions: (await readCr(testbed, ns))?.status?.conditions,
        pods: (await pods()).map((p) => p.metadata?.name),
      }),
    );
    const elapsed = Date.now() - start;
    sampling = false;
    await sampler;
    console.log(`bootstrap key and state copy deleted → new key, every pod replaced, Ready in ${elapsed} ms`);

    expect(newPassword).toMatch(/^[a-z0-9]{64}$/);
    expect(newPassword).not.toBe(oldPassword);
    expect((await testbed.gateway.getSecret(ns, names.bootstrapApiKey))?.bootstrap_api_key).toContain(
      `emqx-operator-controller:${newPassword}`,
    );
    expect(await apiStatusWith(newPassword)).toBe(200);
    expect(await apiStatusWith(oldPassword)).toBe(401);
    // The last node lists were kept while the API refused the old key.
    expect(nodeCounts.length).toBeGreaterThan(0);
    expect(nodeCounts.every((n) => n > 0)).toBe(true);
    // The running core set (the retired one, kept by revisionHistoryLimit, is at 0 and may be listed first).
    const sets = await testbed.gateway.listOwned("StatefulSet", ns, "emqx");
    type SetSpec = { replicas?: number; template?: { metadata?: { annotations?: Record<string, string> } } };
    const running = sets.find((s) => ((s.spec as SetSpec)?.replicas ?? 0) > 0);
    const generation = (running?.spec as SetSpec)?.template?.metadata?.annotations?.[
      ANNOTATION_CREDENTIALS_GENERATION
    ];
    expect(generation).toMatch(/^\d{4}-\d\d-\d\dT/);
    const events = await kubectl(testbed, ["get", "events", "-n", ns, "-o", "json"]);
    expect(events).toContain(`credentials generation ${generation}`);
    const cr = await readCr(testbed, ns);
    const text = JSON.stringify([cr?.metadata?.annotations ?? {}, cr?.status ?? {}, events, embedded.logs]);
    expect(text).not.toContain(oldPassword);
    expect(text).not.toContain(newPassword);
  });
});
