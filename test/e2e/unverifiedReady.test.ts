/**
 * `kubectl get emqx` must not print `Ready` for a cluster the reconciler has been unable to manage for minutes:
 * with the EMQX API answering 401 (a lost API key) past the two-minute grace period, `Ready` turns False with
 * reason `ApiUnauthorized` and the printed state is `NodeStatusStale`; the first good read brings `Ready` back.
 * The reconciler's clock is moved ahead instead of waiting the two minutes out.
 */
import { ConditionType } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeWorld,
  type E2eWorld,
  freshNamespace,
  openWorld,
  printedStatus,
  readCr,
  waitFor,
} from "./support/world.ts";

let world: E2eWorld;
let ns: string;
let embedded: EmbeddedReconciler;
/** How far the reconciler's clock runs ahead of the real one. */
let skewMs = 0;
const clock = { now: () => new Date(Date.now() + skewMs) };

const conditionOf = async (type: string) =>
  (await readCr(world, ns))?.status?.conditions?.find((c) => c.type === type);

beforeAll(async () => {
  world = await openWorld();
  ns = await freshNamespace(world, "e2e-unverified");
  embedded = await startEmbedded(world, ns, { clock });
  await convergeSeed(world, ns);
}, 150_000);

afterAll(async () => {
  await world?.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
  await embedded?.stop();
  await closeWorld(world, ns);
});

describe("Ready that does not lie", () => {
  it("401 for over two minutes: Ready False (ApiUnauthorized), printed NodeStatusStale; back to Ready after", {
    timeout: 90_000,
  }, async () => {
    const { runtime } = embedded.reconciler;
    await world.emulator.setFault({ namespace: ns, name: "emqx" }, "unauthorized");
    await runtime.refreshStatusNow();
    await waitFor("NodeStatusStale", async () =>
      (await conditionOf(ConditionType.NodeStatusStale))?.status === "True" ? true : undefined,
    );
    expect(await printedStatus(world, ns)).toBe("Ready");

    skewMs = 150_000;
    await runtime.refreshStatusNow();
    await waitFor(
      "Ready withdrawn",
      async () => ((await printedStatus(world, ns)) === "NodeStatusStale" ? true : undefined),
      30_000,
      async () => (await readCr(world, ns))?.status?.conditions,
    );
    expect(await conditionOf(ConditionType.Ready)).toMatchObject({
      status: "False",
      reason: "ApiUnauthorized",
      message: expect.stringMatching(/^Not verified for over 2 minutes: The EMQX API rejected/),
    });

    await world.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
    await runtime.refreshStatusNow();
    await waitFor("Ready again", async () =>
      (await printedStatus(world, ns)) === "Ready" ? true : undefined,
    );
    expect(await conditionOf(ConditionType.NodeStatusStale)).toBeUndefined();
    expect(await conditionOf(ConditionType.Ready)).toMatchObject({ status: "True" });
  });
});
