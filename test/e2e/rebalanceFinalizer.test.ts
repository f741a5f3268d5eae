/**
 * The Rebalance finalizer, as the operator has it, on the sandbox: a Rebalance started on EMQX Enterprise carries
 * `apps.emqx.io/finalizer`; deleting it while `Processing` stops the rebalance on its coordinator
 * (`POST /api/v5/load_rebalance/{node}/stop`, EMQX then lists no rebalance), then the finalizer goes and the object
 * with it. A Rebalance whose EMQX does not exist never holds up its own deletion.
 */
import { REBALANCE_FINALIZER } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForShape } from "./support/converge.ts";
import type { EmbeddedReconciler } from "./support/embedded.ts";
import { openRebalanceTestbed } from "./support/rebalanceSetup.ts";
import { closeTestbed, kubectl, SEED_NAME, type Testbed, waitFor } from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

beforeAll(async () => {
  ({ testbed, ns, embedded } = await openRebalanceTestbed("e2e-rebalance-finalizer", 9000));
  await kubectl(testbed, ["scale", `emqx/${SEED_NAME}`, "-n", ns, "--replicas=4"]);
  await waitForShape(testbed, ns, { cores: 2, replicants: 4 });
}, 180_000);

afterAll(async () => {
  await testbed?.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, []).catch(() => undefined);
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

function rebalance(name: string, instanceName: string, finalizers: string[] = []): string {
  return JSON.stringify({
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "Rebalance",
    metadata: { name, ...(finalizers.length > 0 ? { finalizers } : {}) },
    // 10 connections a second: the rebalance runs for minutes, so it is still running when deleted.
    spec: { instanceName, rebalanceStrategy: { connEvictRate: 10, waitHealthCheck: 1, waitTakeover: 1 } },
  });
}

type Stored = {
  metadata?: { finalizers?: string[]; deletionTimestamp?: string };
  status?: { phase?: string; rebalanceStates?: Array<{ coordinator_node?: string }> };
};

async function read(name: string): Promise<Stored | undefined> {
  const out = await kubectl(testbed, [
    "get",
    "rebalance",
    name,
    "-n",
    ns,
    "-o",
    "json",
    "--ignore-not-found",
  ]);
  return out.trim() === "" ? undefined : (JSON.parse(out) as Stored);
}

async function refreshUntil<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  return waitFor(
    what,
    async () => {
      await embedded.reconciler.runtime.refreshStatusNow();
      return probe();
    },
    90_000,
  ).catch((error: unknown) => {
    console.log(JSON.stringify(embedded.logs.filter((l) => l.level === "warn").slice(-10)));
    throw error;
  });
}

describe("the Rebalance finalizer", { timeout: 200_000 }, () => {
  it("deleting a Processing Rebalance stops it on the coordinator, then the object goes", async () => {
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], rebalance("slow", SEED_NAME));
    const processing = await refreshUntil("the Rebalance to be Processing", async () => {
      const stored = await read("slow");
      return stored?.status?.phase === "Processing" && stored.status.rebalanceStates?.[0]
        ? stored
        : undefined;
    });
    expect(processing.metadata?.finalizers).toContain(REBALANCE_FINALIZER);
    const coordinator = processing.status?.rebalanceStates?.[0]?.coordinator_node ?? "";
    await testbed.emulator.resetRequests();

    await kubectl(testbed, ["delete", "rebalance", "slow", "-n", ns, "--wait=false"]);
    await refreshUntil("the deleted Rebalance to be gone", async () =>
      (await read("slow")) === undefined ? true : undefined,
    );

    const requests = await testbed.emulator.requests();
    const stops = requests.recent.filter(
      (r) =>
        r.method === "POST" && decodeURIComponent(r.path) === `/api/v5/load_rebalance/${coordinator}/stop`,
    );
    // 200: the rebalance was running and is stopped (the emulator answers 400 not_started otherwise).
    expect(stops.map((r) => r.status)).toEqual([200]);
  });

  it("a Rebalance whose EMQX does not exist does not hold up its deletion", async () => {
    await kubectl(
      testbed,
      ["apply", "-n", ns, "-f", "-"],
      rebalance("orphan", "missing", [REBALANCE_FINALIZER]),
    );
    await kubectl(testbed, ["delete", "rebalance", "orphan", "-n", ns, "--wait=false"]);
    await refreshUntil("the orphan Rebalance to be gone", async () =>
      (await read("orphan")) === undefined ? true : undefined,
    );
  });
});
