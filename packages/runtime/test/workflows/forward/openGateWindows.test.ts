/**
 * Watch windows of many clusters sharing an open gate, against the sandbox's real apiserver: each namespace
 * stands for a cluster with its own gateway (as in a forwarder shard), wrapped to record when that cluster has
 * lists in flight.
 */
import { KubeGateway, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenGate } from "../../../src/workflows/forward/openGate.ts";
import type { ForwarderKube } from "../../../src/workflows/forward/types.ts";
import { runWatchWindow } from "../../../src/workflows/forward/watchWindow.ts";
import { collectingBus, emqxManifest, type Kit, setupKit, useNamespace } from "./sandboxKit.ts";

const CLUSTERS = 6;
const LIMIT = 2;
let kit: Kit;
const namespaces: string[] = [];
const drops: Array<() => Promise<void>> = [];
beforeAll(async () => {
  kit = await setupKit();
  for (let i = 0; i < CLUSTERS; i++) {
    const [ns, drop] = await useNamespace(kit, `fwd-gate-${i}`);
    namespaces.push(ns);
    drops.push(drop);
    await kit.kubectl(["apply", "-f", "-"], emqxManifest(ns, "a"));
  }
});
afterAll(async () => {
  for (const drop of drops) await drop();
  await kit?.gateway.close();
});

/** Counts the clusters with at least one list in flight, and the most there ever were at once. */
function listingMeter() {
  const inFlight = new Map<string, number>();
  let most = 0;
  const wrap = (cluster: string, gateway: KubeGateway): ForwarderKube => ({
    watchKind: (kind, options, onEvent, onDone) => gateway.watchKind(kind, options, onEvent, onDone),
    async list(kind, options) {
      inFlight.set(cluster, (inFlight.get(cluster) ?? 0) + 1);
      most = Math.max(most, [...inFlight.values()].filter((n) => n > 0).length);
      try {
        return await gateway.list(kind, options);
      } finally {
        inFlight.set(cluster, (inFlight.get(cluster) ?? 1) - 1);
      }
    },
  });
  return { wrap, most: () => most };
}

describe("watch windows sharing an open gate, on the sandbox", () => {
  it("open at most `limit` clusters at once, and every cluster ends up watched: its changes become hints", async () => {
    const gate = createOpenGate(LIMIT);
    const meter = listingMeter();
    const { bus, hints } = collectingBus();
    const abort = new AbortController();
    const kubeConfig = loadKubeconfigFile(kit.sandbox.kubeconfigPath);
    const gateways = namespaces.map(() => new KubeGateway({ kubeConfig }));
    const windows = namespaces.map((ns, i) =>
      runWatchWindow({
        cluster: ns,
        kube: meter.wrap(ns, gateways[i] as KubeGateway),
        publisher: bus,
        namespaces: [ns],
        openGate: gate,
        durationMs: 120_000,
        batching: { windowMs: 20 },
        signal: abort.signal,
      }),
    );
    const resynced = () => new Set(hints.filter((h) => h.cause === "resync").map((h) => h.namespace)).size;
    await expect.poll(resynced, { timeout: 60_000 }).toBe(CLUSTERS);
    await expect.poll(() => gate.stats().opening, { timeout: 30_000 }).toBe(0);
    for (const ns of namespaces) await kit.kubectl(["apply", "-f", "-"], emqxManifest(ns, "b"));
    const added = () => new Set(hints.filter((h) => h.cause === "added").map((h) => h.namespace)).size;
    await expect.poll(added, { timeout: 60_000 }).toBe(CLUSTERS);
    abort.abort();
    const results = await Promise.all(windows);
    await bus.close();
    await Promise.all(gateways.map((g) => g.close()));

    expect(meter.most()).toBeLessThanOrEqual(LIMIT);
    expect(gate.stats()).toMatchObject({ maxOpening: LIMIT, entered: CLUSTERS, opening: 0, waiting: 0 });
    expect(results.every((r) => r.ready && r.openedMs !== undefined)).toBe(true);
  }, 240_000);

  it("gives a cluster's slot back after openTimeoutMs when its lists do not answer, so the others still open", async () => {
    const gate = createOpenGate(1);
    const { bus, hints } = collectingBus();
    const abort = new AbortController();
    const stuck: ForwarderKube = {
      watchKind: (kind, options, onEvent, onDone) => kit.gateway.watchKind(kind, options, onEvent, onDone),
      list: () =>
        new Promise((_, reject) =>
          abort.signal.addEventListener("abort", () => reject(new Error("no answer"))),
        ),
    };
    const common = { publisher: bus, openGate: gate, durationMs: 120_000, signal: abort.signal };
    const hanging = runWatchWindow({ ...common, cluster: "stuck", kube: stuck, openTimeoutMs: 500 });
    const [ns] = namespaces;
    const healthy = runWatchWindow({ ...common, cluster: "ok", kube: kit.gateway, namespaces: [ns ?? ""] });
    await expect.poll(() => hints.some((h) => h.namespace === ns), { timeout: 60_000 }).toBe(true);
    abort.abort();
    const [stuckResult, okResult] = await Promise.all([hanging, healthy]);
    await bus.close();
    expect(stuckResult.ready).toBe(false);
    expect(okResult.ready).toBe(true);
    expect(gate.stats()).toMatchObject({ entered: 2, opening: 0 });
  }, 240_000);
});
