/**
 * `config.data` changes under the embedded reconciler of `run`: a new listener port reaches the listeners Service
 * and the running EMQX cluster without restarting a pod; an invalid `config.data` touches no child and says
 * `InvalidConfig` (condition and Warning Event); fixing it brings the cluster back to Ready.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed, SEED_SHAPE, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  childVersions,
  closeTestbed,
  freshNamespace,
  hasCondition,
  openTestbed,
  patchCr,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

const SEED_CONFIG = 'license {\n  key = "evaluation"\n}\n';
const PORT_CONFIG = `${SEED_CONFIG}listeners.tcp.default.bind = "11883"\n`;
const BROKEN_CONFIG = 'license {\n  key = "evaluation"\n';

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
}

async function listenerPorts(): Promise<ServicePort[]> {
  const service = await testbed.gateway.get("Service", ns, "emqx-listeners");
  return ((service?.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []).map((p) => ({
    name: p.name,
    port: p.port,
    targetPort: p.targetPort,
  }));
}

async function emulatedConfig(): Promise<string> {
  return (await testbed.emulator.clusters()).find((c) => c.key === `${ns}/emqx`)?.config ?? "";
}

async function podUids(): Promise<string[]> {
  return (await testbed.gateway.listOwned("Pod", ns, "emqx")).map((p) => p.metadata?.uid ?? "").sort();
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-config");
  embedded = await startEmbedded(testbed, ns);
  await convergeSeed(testbed, ns);
}, 150_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("config.data changes", { timeout: 90_000 }, () => {
  it("moves the tcp listener to 11883 in the Service and in EMQX without restarting a pod", async () => {
    expect(await listenerPorts()).toContainEqual({ name: "tcp-default", port: 1883, targetPort: 1883 });
    const pods = await podUids();
    await patchCr(testbed, ns, { spec: { config: { data: PORT_CONFIG } } });
    const ports = await waitFor("the listeners Service to expose 11883", async () => {
      const now = await listenerPorts();
      return now.some((p) => p.name === "tcp-default" && p.port === 11883) ? now : undefined;
    });
    expect(ports.filter((p) => p.name === "tcp-default")).toEqual([
      { name: "tcp-default", port: 11883, targetPort: 11883 },
    ]);
    await waitFor("the emulated cluster config to carry 11883", async () =>
      /bind\s*=\s*"?(0\.0\.0\.0:)?11883/.test(await emulatedConfig()) ? true : undefined,
    );
    await waitForShape(testbed, ns, SEED_SHAPE);
    expect(await podUids()).toEqual(pods);
  });

  it("R40 leaves every child as it was and reports InvalidConfig for an invalid config.data", async () => {
    await embedded.settle();
    const before = await childVersions(testbed, ns);
    await patchCr(testbed, ns, { spec: { config: { data: BROKEN_CONFIG } } });
    const cr = await waitFor("the InvalidSpec condition", async () => {
      const now = await readCr(testbed, ns);
      return hasCondition(now, "InvalidSpec", "InvalidConfig") ? now : undefined;
    });
    await embedded.settle();
    expect(await childVersions(testbed, ns)).toEqual(before);
    const events = await testbed.gateway.listEvents(ns, "emqx", "InvalidConfig");
    expect(events.filter((e) => e.involvedObject?.uid === cr.metadata?.uid)).toMatchObject([
      { type: "Warning", reason: "InvalidConfig", count: 1 },
    ]);
    const condition = (await readCr(testbed, ns))?.status?.conditions?.find((c) => c.type === "InvalidSpec");
    expect(condition?.message).toMatch(/config\.data/);
    expect((await readCr(testbed, ns))?.status?.coreNodes).toHaveLength(2);
    expect(await emulatedConfig()).toMatch(/11883/);
  });

  it("recovers once the config is valid again", async () => {
    await patchCr(testbed, ns, { spec: { config: { data: PORT_CONFIG } } });
    const reached = await waitForShape(testbed, ns, SEED_SHAPE);
    expect(hasCondition(reached.cr, "InvalidSpec")).toBe(false);
  });
});
