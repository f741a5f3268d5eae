/**
 * The autoscaler's opt-in Rebalance after a scale-up, on the sandbox: 9000 clients on three replicants (the
 * emulator's load curve) at a target of 3000 each, then 10500: the autoscaler scales to four, the fourth joins
 * empty, and once the four are Ready it creates one `Rebalance` named after its decision, which moves clients
 * onto the new replicant through the Enterprise `load_rebalance` API and completes. The next refreshes create no
 * second one for that decision.
 */
import { ANNOTATION_AUTOSCALE, LABEL_AUTOSCALE_REBALANCE_FOR } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForShape } from "./support/converge.ts";
import type { EmbeddedReconciler } from "./support/embedded.ts";
import { openRebalanceTestbed } from "./support/rebalanceSetup.ts";
import {
  closeTestbed,
  kubectl,
  patchCr,
  readCr,
  SEED_NAME,
  sleep,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

beforeAll(async () => {
  ({ testbed, ns, embedded } = await openRebalanceTestbed("e2e-autoscale-rebalance", 9000));
  await patchCr(testbed, ns, {
    metadata: {
      annotations: {
        [ANNOTATION_AUTOSCALE.targetConnectionsPerReplicant]: "3000",
        [ANNOTATION_AUTOSCALE.min]: "3",
        [ANNOTATION_AUTOSCALE.max]: "4",
        [ANNOTATION_AUTOSCALE.scaleUpWindow]: "1s",
        [ANNOTATION_AUTOSCALE.scaleDownWindow]: "1h",
        [ANNOTATION_AUTOSCALE.cooldown]: "1s",
        [ANNOTATION_AUTOSCALE.rebalanceAfterScaleUp]: "true",
      },
    },
    spec: { updateStrategy: { evacuationStrategy: { waitTakeover: 1 } } },
  });
}, 240_000);

afterAll(async () => {
  await testbed?.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, []).catch(() => undefined);
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

async function replicantConnections(): Promise<number[]> {
  const cluster = (await testbed.emulator.clusters()).find((c) => c.key === `${ns}/${SEED_NAME}`);
  return (cluster?.nodes ?? []).filter((n) => n.role === "replicant").map((n) => n.connections);
}

type Stored = { metadata?: { name?: string }; status?: { phase?: string } };

async function autoscalerRebalances(): Promise<Stored[]> {
  const out = await kubectl(testbed, [
    "get",
    "rebalance",
    "-n",
    ns,
    "-l",
    `${LABEL_AUTOSCALE_REBALANCE_FOR}=${SEED_NAME}`,
    "-o",
    "json",
  ]);
  return (JSON.parse(out) as { items: Stored[] }).items;
}

describe("autoscaler → Rebalance", { timeout: 240_000 }, () => {
  it("a scale-up that is Ready gets one Rebalance, which completes and spreads the clients", async () => {
    // Act: the load asks for a fourth replicant
    await testbed.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, [
      { afterMs: 0, connections: 10_500 },
    ]);
    await waitFor(
      "the autoscaler to ask for 4 replicants",
      async () => {
        await embedded.reconciler.runtime.refreshStatusNow();
        const cr = await readCr(testbed, ns);
        const spec = cr?.spec as { replicantTemplate?: { spec?: { replicas?: number } } };
        return spec.replicantTemplate?.spec?.replicas === 4 ? true : undefined;
      },
      60_000,
    );
    await waitForShape(testbed, ns, { cores: 2, replicants: 4 }, SEED_NAME, 120_000);
    const completed = await waitFor(
      "the autoscaler's Rebalance to complete",
      async () => {
        await embedded.reconciler.runtime.refreshStatusNow();
        const [one] = await autoscalerRebalances();
        return one?.status?.phase === "Completed" || one?.status?.phase === "Failed" ? one : undefined;
      },
      120_000,
      async () => autoscalerRebalances(),
    );
    for (let i = 0; i < 3; i++) {
      await embedded.reconciler.runtime.refreshStatusNow();
      await sleep(200);
    }

    // Assess
    const cr = await readCr(testbed, ns);
    const last = JSON.parse(cr?.metadata?.annotations?.[ANNOTATION_AUTOSCALE.lastDecision] ?? "{}") as {
      at: number;
      from: number;
      to: number;
    };
    expect(last).toMatchObject({ from: 3, to: 4 });
    expect(completed.metadata?.name).toBe(`${SEED_NAME}-scale-up-${Math.floor(last.at / 1000)}`);
    expect(completed.status?.phase).toBe("Completed");
    expect(await autoscalerRebalances()).toHaveLength(1);
    const connections = await replicantConnections();
    expect(connections.reduce((a, b) => a + b, 0)).toBe(10_500);
    expect(Math.min(...connections)).toBeGreaterThan(0);
    const events = await testbed.gateway.listEvents(ns, SEED_NAME);
    expect(events.some((e) => e.message?.includes(`requested Rebalance ${completed.metadata?.name}`))).toBe(
      true,
    );
  });
});
