/**
 * The EMQX API failing under the embedded reconciler of `run` (operator bug
 * #1025): with 401, 500 or hanging answers the status keeps the last good node lists and the pods stay in service,
 * `NodeStatusStale` says why, the loop keeps working, and lifting the fault brings the CR back to Ready.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { CONDITION_ON_SERVING, ConditionType } from "@emqx-reconciler/api";
import type { FaultKind } from "@emqx-reconciler/sandbox/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed, SEED_SHAPE, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  type EmqxObject,
  freshNamespace,
  openTestbed,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

const staleOf = (cr: EmqxObject | undefined) =>
  cr?.status?.conditions?.find((c) => c.type === ConditionType.NodeStatusStale && c.status === "True");

async function gates(): Promise<string[]> {
  const pods = (await testbed.gateway.listOwned("Pod", ns, "emqx")) as Array<
    KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } }
  >;
  return pods.map((p) => p.status?.conditions?.find((c) => c.type === CONDITION_ON_SERVING)?.status ?? "");
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-faults");
  embedded = await startEmbedded(testbed, ns);
  await convergeSeed(testbed, ns);
}, 150_000);

afterAll(async () => {
  await testbed?.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("EMQX API faults", () => {
  it.each([
    { fault: "unauthorized", reason: "ApiUnauthorized", message: /401|reject/i },
    { fault: "server-error", reason: "ApiUnavailable", message: /500|server/i },
    { fault: "hang", reason: "ApiUnavailable", message: /time/i },
  ] as const)(
    "R28, R29 $fault: keeps the last good node lists, says $reason, recovers",
    { timeout: 120_000 },
    async (c) => {
      const { runtime } = embedded.reconciler;
      const good = (await readCr(testbed, ns))?.status;
      await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, c.fault as FaultKind);
      void runtime.refreshStatusNow();
      const cr = await waitFor(
        `NodeStatusStale (${c.reason})`,
        async () => {
          const now = await readCr(testbed, ns);
          return staleOf(now)?.reason === c.reason ? now : undefined;
        },
        60_000,
        async () => (await readCr(testbed, ns))?.status?.conditions,
      );
      expect(staleOf(cr)?.message).toMatch(c.message);
      expect(cr.status?.coreNodes).toEqual(good?.coreNodes);
      expect(cr.status?.replicantNodes).toEqual(good?.replicantNodes);
      expect(await gates()).toEqual(["True", "True", "True", "True", "True"]);
      expect(embedded.logs.filter((l) => l.level === "error")).toEqual([]);

      await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
      void runtime.refreshStatusNow();
      await waitFor("NodeStatusStale to be removed", async () =>
        staleOf(await readCr(testbed, ns)) ? undefined : true,
      );
      const back = await waitForShape(testbed, ns, SEED_SHAPE);
      expect(back.cr?.status?.coreNodes?.map((n) => n.node)).toEqual(good?.coreNodes?.map((n) => n.node));
    },
  );
});
