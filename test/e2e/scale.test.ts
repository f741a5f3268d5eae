/**
 * Scaling without a template change, under the embedded reconciler of `run`: replicants
 * 3 → 5 → 0 → 2 and cores 2 → 3 each converge on the same sets (same revisions, no new set), and the listeners
 * Service selects replicant pods while replicants are ready, core pods when there are none.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenersRole, type Shape, type Snapshot, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  applySeed,
  closeTestbed,
  freshNamespace,
  openTestbed,
  patchCr,
  type Testbed,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler | undefined;
let first: Snapshot;

const sets = (s: Snapshot) => ({
  statefulSets: s.statefulSets.map((x) => x.metadata?.uid),
  replicaSets: s.replicaSets.map((x) => x.metadata?.uid),
  revisions: [
    s.cr?.status?.coreNodesStatus?.updateRevision,
    s.cr?.status?.replicantNodesStatus?.updateRevision,
  ],
});

async function scaleTo(shape: Shape): Promise<Snapshot> {
  await patchCr(testbed, ns, {
    spec: {
      coreTemplate: { spec: { replicas: shape.cores } },
      replicantTemplate: { spec: { replicas: shape.replicants } },
    },
  });
  return waitForShape(testbed, ns, shape);
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-scale");
  embedded = await startEmbedded(testbed, ns);
  await applySeed(testbed, ns);
  first = await waitForShape(testbed, ns, { cores: 2, replicants: 3 });
}, 150_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("scaling the seed example", { timeout: 120_000 }, () => {
  it("starts with the listeners Service on the replicants", async () => {
    expect(await listenersRole(testbed, ns)).toBe("replicant");
  });

  it.each([
    { cores: 2, replicants: 5, listeners: "replicant" },
    { cores: 2, replicants: 0, listeners: "core" },
    { cores: 2, replicants: 2, listeners: "replicant" },
    { cores: 3, replicants: 2, listeners: "replicant" },
  ] as const)(
    "R36 converges at $cores cores / $replicants replicants on the same sets, listeners on $listeners pods",
    async (step) => {
      const reached = await scaleTo(step);
      expect(sets(reached)).toEqual(sets(first));
      expect(await listenersRole(testbed, ns)).toBe(step.listeners);
      const nodes = reached.cr?.status?.coreNodes ?? [];
      expect(nodes.every((n) => n.node_status === "running")).toBe(true);
    },
  );

  it("never ran one key twice at once", () => {
    const metrics = embedded?.reconciler.runtime.queue.metrics();
    expect(metrics?.maxConcurrentRunsPerKey).toBe(1);
    expect(metrics?.keys[embedded?.keyOf("emqx") ?? ""]?.runs).toBeGreaterThan(4);
  });
});
