/**
 * Core scale-down that leaves EMQX membership clean: cores 3 → 2 → 3 in quick succession. The departed core is
 * removed from the EMQX cluster with `force_leave` (no `stopped` member lingers), and the StatefulSet never
 * brings ordinal 2 back while EMQX still lists its old member. While the EMQX API cannot be read, a core scale-down
 * waits at its size, and goes on once the API answers again.
 */
import type { ClusterDump } from "@emqx-reconciler/sandbox/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  openTestbed,
  patchCr,
  readCr,
  sleep,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

interface Sample {
  replicas: number;
  /** Core members EMQX lists: pod name → status. */
  members: Record<string, string>;
}

async function sample(): Promise<Sample> {
  const [sets, clusters] = await Promise.all([
    testbed.gateway.listOwned("StatefulSet", ns, "emqx"),
    testbed.emulator.clusters(),
  ]);
  const cluster = clusters.find((c: ClusterDump) => c.key === `${ns}/emqx`);
  const members: Record<string, string> = {};
  for (const n of cluster?.nodes ?? []) {
    if (n.role !== "core" || n.departed) continue;
    const pod = n.name.split("@")[1]?.split(".")[0] ?? n.name;
    members[pod] = n.status;
  }
  const replicas = Math.max(0, ...sets.map((s) => (s.spec as { replicas?: number })?.replicas ?? 0));
  return { replicas, members };
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-core-membership");
  embedded = await startEmbedded(testbed, ns);
  await convergeSeed(testbed, ns);
  await patchCr(testbed, ns, { spec: { coreTemplate: { spec: { replicas: 3 } } } });
  await waitForShape(testbed, ns, { cores: 3, replicants: 3 });
}, 150_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("core membership through a quick 3 → 2 → 3", () => {
  it("R34 no stopped member is left, and ordinal 2 is not reused while its old member is listed", {
    timeout: 120_000,
  }, async () => {
    const samples: Sample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(await sample());
        await sleep(50);
      }
    })();
    const start = Date.now();
    await patchCr(testbed, ns, { spec: { coreTemplate: { spec: { replicas: 2 } } } });
    await sleep(1_000);
    await patchCr(testbed, ns, { spec: { coreTemplate: { spec: { replicas: 3 } } } });
    const done = await waitForShape(testbed, ns, { cores: 3, replicants: 3 });
    await embedded.settle();
    sampling = false;
    await sampler;
    console.log(`cores 3 → 2 → 3: Ready with 3 cores ${Date.now() - start} ms after the first patch`);

    const last = await sample();
    expect(Object.values(last.members)).toEqual(["running", "running", "running"]);
    expect(done.cr?.status?.coreNodes?.every((n) => n.node_status === "running")).toBe(true);
    const ordinalTwo = (s: Sample) => Object.entries(s.members).find(([pod]) => pod.endsWith("-2"))?.[1];
    const reused = samples.filter((s) => s.replicas >= 3 && ordinalTwo(s) === "stopped");
    expect(reused).toEqual([]);
    expect(samples.some((s) => s.replicas === 2)).toBe(true);
    expect(samples.some((s) => ordinalTwo(s) !== "running")).toBe(true);
  });
});

describe("core scale-down while the EMQX API cannot be read", () => {
  it("R35 waits at its size with NodeStatusStale, then goes on once the API answers", {
    timeout: 150_000,
  }, async () => {
    await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "server-error");
    try {
      await patchCr(testbed, ns, { spec: { coreTemplate: { spec: { replicas: 2 } } } });
      const stale = await waitFor("NodeStatusStale while the API answers 500", async () => {
        const cr = await readCr(testbed, ns);
        const condition = cr?.status?.conditions?.find((c) => c.type === "NodeStatusStale");
        return condition?.status === "True" ? cr : undefined;
      });
      expect(stale?.spec).toBeDefined();
      await sleep(8_000); // a few passes and retries, none of which may scale down
      expect((await sample()).replicas).toBe(3);
    } finally {
      await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
    }
    await waitForShape(testbed, ns, { cores: 2, replicants: 3 });
    expect((await sample()).replicas).toBe(2);
  });
});
