import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForShape } from "./support/converge.ts";
import type { EmbeddedReconciler } from "./support/embedded.ts";
import { openRebalanceTestbed } from "./support/rebalanceSetup.ts";
import { closeTestbed, kubectl, SEED_NAME, sleep, type Testbed } from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

beforeAll(async () => {
  ({ testbed, ns, embedded } = await openRebalanceTestbed("e2e-rebalance"));
}, 150_000);

afterAll(async () => {
  await testbed?.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, []).catch(() => undefined);
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

function rebalance(name: string, instanceName: string): string {
  return JSON.stringify({
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "Rebalance",
    metadata: { name },
    spec: {
      instanceName,
      rebalanceStrategy: { connEvictRate: 1000, waitHealthCheck: 1, waitTakeover: 1, absConnThreshold: 100 },
    },
  });
}

type Stored = { status?: { phase?: string; conditions?: Array<{ type: string; message?: string }> } };

async function refreshUntilPhase(name: string, phases: string[]): Promise<Stored> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await embedded.reconciler.runtime.refreshStatusNow();
    const stored = JSON.parse(
      await kubectl(testbed, ["get", "rebalance", name, "-n", ns, "-o", "json"]),
    ) as Stored;
    if (phases.includes(stored.status?.phase ?? "")) return stored;
    if (Date.now() > deadline)
      throw new Error(`${name} never reached ${phases}: ${JSON.stringify(stored.status)}`);
    await sleep(300);
  }
}

async function replicantConnections(): Promise<number[]> {
  const cluster = (await testbed.emulator.clusters()).find((c) => c.key === `${ns}/${SEED_NAME}`);
  return (cluster?.nodes ?? []).filter((n) => n.role === "replicant").map((n) => n.connections);
}

describe("Rebalance", { timeout: 150_000 }, () => {
  it("moves connections onto a replicant added by a scale-up, then reports Completed", async () => {
    // Prepare: 9000 clients on three replicants, then a fourth one joins with none
    await testbed.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, [
      { afterMs: 0, connections: 9000 },
    ]);
    await embedded.reconciler.runtime.refreshStatusNow();
    expect((await replicantConnections()).sort()).toEqual([3000, 3000, 3000]);
    await kubectl(testbed, ["scale", `emqx/${SEED_NAME}`, "-n", ns, "--replicas=4"]);
    await waitForShape(testbed, ns, { cores: 2, replicants: 4 });
    await embedded.reconciler.runtime.refreshStatusNow();
    expect((await replicantConnections()).sort((a, b) => a - b)).toEqual([0, 3000, 3000, 3000]);

    // Act
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], rebalance("after-scale-up", SEED_NAME));
    const processing = await refreshUntilPhase("after-scale-up", ["Processing", "Completed", "Failed"]);
    const done = await refreshUntilPhase("after-scale-up", ["Completed", "Failed"]);

    // Assess
    expect(processing.status?.phase).toBe("Processing");
    expect(done.status?.phase).toBe("Completed");
    expect((await replicantConnections()).sort()).toEqual([2250, 2250, 2250, 2250]);
    const events = await testbed.gateway.listEvents(ns, "after-scale-up", "Rebalance");
    expect(events.map((e) => e.message).sort()).toEqual(["Rebalance completed", "Rebalance started"]);
  });

  it("fails a Rebalance whose EMQX does not exist, with a condition that says so", async () => {
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], rebalance("nowhere", "missing"));
    await sleep(200);
    // Rebalances are served for the EMQX they name; one naming no EMQX is left as created, as nothing refreshes it.
    const stored = JSON.parse(
      await kubectl(testbed, ["get", "rebalance", "nowhere", "-n", ns, "-o", "json"]),
    ) as Stored;
    expect(stored.status?.phase).toBeUndefined();
  });
});
