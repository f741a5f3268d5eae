/**
 * Replicant scale-down 4 → 2 on the sandbox, with 9000 clients driven by the emulator's load curve. The
 * reconciler chooses the two pods that leave (fewest connections, then newest), marks them with the lowest
 * `pod-deletion-cost`, evacuates them on Enterprise (EMQX 6), and only then lowers the ReplicaSet: the
 * kube-controller-manager's ReplicaSet controller removes exactly the marked pods, and the two replicants that
 * stay hold all 9000 clients. On open-source EMQX (5.8, no `load_rebalance` API) the same pods are chosen and
 * removed without an evacuation.
 */
import { readFileSync } from "node:fs";
import type { KubeObject } from "@emqx-reconciler/adapters";
import { ANNOTATION_LEAVING_SINCE, LABEL_DB_ROLE } from "@emqx-reconciler/api";
import type { ClusterDump } from "@emqx-reconciler/sandbox/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  kubectl,
  openTestbed,
  patchCr,
  SEED_EXAMPLE,
  SEED_NAME,
  sleep,
  type Testbed,
} from "./support/testbed.ts";

const CLIENTS = 9000;

let testbed: Testbed;

beforeAll(async () => {
  testbed = await openTestbed();
}, 60_000);

afterAll(async () => {
  await closeTestbed(testbed, undefined);
});

/** The seed example with another image (5.8.6 is open-source), four replicants and a short takeover wait. */
function seedWith(image: string): string {
  return readFileSync(SEED_EXAMPLE, "utf8").replace(/image: emqx\/emqx:\S+/, `image: ${image}`);
}

interface ReplicantPod {
  name: string;
  uid: string;
  created: number;
  connections: number;
}

/** The live replicant pods with the connections the emulator holds on their nodes. */
async function replicantPods(ns: string): Promise<ReplicantPod[]> {
  const [pods, clusters] = await Promise.all([
    testbed.gateway.listOwned("Pod", ns, SEED_NAME),
    testbed.emulator.clusters(),
  ]);
  const cluster = clusters.find((c: ClusterDump) => c.key === `${ns}/${SEED_NAME}`);
  return pods
    .filter((p) => p.metadata?.labels?.[LABEL_DB_ROLE] === "replicant" && !p.metadata?.deletionTimestamp)
    .map((p: KubeObject) => ({
      name: p.metadata?.name ?? "",
      uid: p.metadata?.uid ?? "",
      created: Date.parse(String(p.metadata?.creationTimestamp ?? "")),
      connections: cluster?.nodes.find((n) => n.pod === `${ns}/${p.metadata?.name}`)?.connections ?? 0,
    }));
}

/** The documented rule, written out independently: fewest connections, then newest, then the highest name. */
function expectedLeaving(pods: readonly ReplicantPod[], count: number): string[] {
  return [...pods]
    .sort((a, b) => a.connections - b.connections || b.created - a.created || b.name.localeCompare(a.name))
    .slice(0, count)
    .map((p) => p.name)
    .sort();
}

interface Sample {
  /** Pod name → evacuation state, for every replicant node the emulator saw evacuating. */
  evacuating: Record<string, string>;
  /** Replicant pods whose node was removed while still holding clients. */
  removedWithClients: string[];
}

/** Samples the emulator while the scale-down runs. */
function watchEmulator(ns: string): { stop(): Promise<Sample> } {
  const sample: Sample = { evacuating: {}, removedWithClients: [] };
  let last = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const cluster = (await testbed.emulator.clusters()).find((c) => c.key === `${ns}/${SEED_NAME}`);
      const now = new Map<string, number>();
      for (const n of cluster?.nodes ?? []) {
        if (n.role !== "replicant" || !n.pod) continue;
        now.set(n.pod, n.connections);
        if (n.evacuation) sample.evacuating[n.pod.split("/")[1] ?? n.pod] = n.evacuation;
      }
      for (const [pod, connections] of last)
        if (!now.has(pod) && connections > 0 && !sample.evacuating[pod.split("/")[1] ?? pod])
          sample.removedWithClients.push(pod);
      last = now;
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return sample;
    },
  };
}

async function scaleDownScenario(ns: string, embedded: EmbeddedReconciler) {
  await testbed.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, [
    { afterMs: 0, connections: CLIENTS },
  ]);
  await embedded.reconciler.runtime.refreshStatusNow();
  const before = await replicantPods(ns);
  expect(before.reduce((sum, p) => sum + p.connections, 0)).toBe(CLIENTS);
  const leaving = expectedLeaving(before, 2);
  const watcher = watchEmulator(ns);

  const start = Date.now();
  await patchCr(testbed, ns, { spec: { replicantTemplate: { spec: { replicas: 2 } } } });
  await waitForShape(testbed, ns, { cores: 2, replicants: 2 }, SEED_NAME, 120_000).catch((e) => {
    console.log(JSON.stringify(embedded.logs.filter((l) => l.level !== "debug").slice(-60), null, 1));
    throw e;
  });
  const ms = Date.now() - start;
  const sample = await watcher.stop();
  await embedded.reconciler.runtime.refreshStatusNow();
  const after = await replicantPods(ns);
  const events = await testbed.gateway.listEvents(ns, SEED_NAME);
  return { before, leaving, after, sample, events, ms };
}

describe("replicant scale-down 4 → 2", { timeout: 300_000 }, () => {
  let ns: string;
  let embedded: EmbeddedReconciler;

  beforeAll(async () => {
    ns = await freshNamespace(testbed, "e2e-replicant-leave");
    embedded = await startEmbedded(testbed, ns);
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], seedWith("emqx/emqx:6.0.1"));
    await patchCr(testbed, ns, {
      spec: {
        replicantTemplate: { spec: { replicas: 4 } },
        updateStrategy: { evacuationStrategy: { waitTakeover: 1 } },
      },
    });
    await waitForShape(testbed, ns, { cores: 2, replicants: 4 }, SEED_NAME, 120_000);
  }, 180_000);

  afterAll(async () => {
    await testbed.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, []).catch(() => undefined);
    await embedded?.stop();
    await testbed.sandbox.kubectl(["delete", "namespace", ns, "--wait=false", "--ignore-not-found"]);
  });

  it("Enterprise: evacuates the chosen pods, then the ReplicaSet removes exactly those, no client lost", async () => {
    const { leaving, after, sample, events, ms } = await scaleDownScenario(ns, embedded);
    console.log(`replicants 4 → 2 with evacuation (${CLIENTS} clients): Ready after ${ms} ms`);

    expect(after).toHaveLength(2);
    expect(after.every((p) => !leaving.includes(p.name))).toBe(true);
    expect(after.reduce((sum, p) => sum + p.connections, 0)).toBe(CLIENTS);
    expect(sample.removedWithClients).toEqual([]);
    // Both leaving pods held clients, so both were evacuated (EMQX reported it), and no staying one was.
    expect(Object.keys(sample.evacuating).sort()).toEqual(leaving);
    const leavingEvent = events.find((e) => e.reason === "ReplicantsLeaving");
    expect(leavingEvent?.message).toContain(leaving[0]);
    expect(leavingEvent?.message).toContain(leaving[1]);
    expect(events.some((e) => e.reason === "NodeEvacuation")).toBe(true);
  });
});

describe("replicant scale-down 4 → 2, open-source", { timeout: 300_000 }, () => {
  let ns: string;
  let embedded: EmbeddedReconciler;

  beforeAll(async () => {
    ns = await freshNamespace(testbed, "e2e-replicant-leave-oss");
    embedded = await startEmbedded(testbed, ns);
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], seedWith("emqx/emqx:5.8.6"));
    await patchCr(testbed, ns, { spec: { replicantTemplate: { spec: { replicas: 4 } } } });
    await waitForShape(testbed, ns, { cores: 2, replicants: 4 }, SEED_NAME, 120_000);
  }, 180_000);

  afterAll(async () => {
    await testbed.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, []).catch(() => undefined);
    await embedded?.stop();
    await testbed.sandbox.kubectl(["delete", "namespace", ns, "--wait=false", "--ignore-not-found"]);
  });

  it("removes the chosen pods without an evacuation", async () => {
    const { leaving, after, sample, events } = await scaleDownScenario(ns, embedded);

    expect(after).toHaveLength(2);
    expect(after.every((p) => !leaving.includes(p.name))).toBe(true);
    expect(sample.evacuating).toEqual({});
    expect(events.some((e) => e.reason === "NodeEvacuation")).toBe(false);
    const leavingEvent = events.find((e) => e.reason === "ReplicantsLeaving");
    expect(leavingEvent?.message).toContain(leaving[0]);
    // The clients of the removed nodes reconnect to the others (the load curve's total holds).
    expect(after.reduce((sum, p) => sum + p.connections, 0)).toBe(CLIENTS);
    const marked = (await testbed.gateway.listOwned("Pod", ns, SEED_NAME)).filter(
      (p) => p.metadata?.annotations?.[ANNOTATION_LEAVING_SINCE] && !p.metadata?.deletionTimestamp,
    );
    expect(marked).toEqual([]);
  });
});
