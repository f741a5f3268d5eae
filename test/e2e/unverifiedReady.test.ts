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
  closeTestbed,
  freshNamespace,
  openTestbed,
  printedStatus,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;
/** How far the reconciler's clock runs ahead of the real one. */
let skewMs = 0;
const clock = { now: () => new Date(Date.now() + skewMs) };

const conditionOf = async (type: string) =>
  (await readCr(testbed, ns))?.status?.conditions?.find((c) => c.type === type);

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-unverified");
  embedded = await startEmbedded(testbed, ns, { clock });
  await convergeSeed(testbed, ns);
}, 150_000);

afterAll(async () => {
  await testbed?.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("Ready that does not lie", () => {
  it("R28 401 for over two minutes: Ready False (ApiUnauthorized), printed NodeStatusStale; back to Ready after", {
    timeout: 90_000,
  }, async () => {
    const { runtime } = embedded.reconciler;
    await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "unauthorized");
    await runtime.refreshStatusNow();
    await waitFor("NodeStatusStale", async () =>
      (await conditionOf(ConditionType.NodeStatusStale))?.status === "True" ? true : undefined,
    );
    expect(await printedStatus(testbed, ns)).toBe("Ready");

    skewMs = 150_000;
    await runtime.refreshStatusNow();
    await waitFor(
      "Ready withdrawn",
      async () => ((await printedStatus(testbed, ns)) === "NodeStatusStale" ? true : undefined),
      30_000,
      async () => (await readCr(testbed, ns))?.status?.conditions,
    );
    expect(await conditionOf(ConditionType.Ready)).toMatchObject({
      status: "False",
      reason: "ApiUnauthorized",
      message: expect.stringMatching(/^Not verified for over 2 minutes: The EMQX API rejected/),
    });

    await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
    await runtime.refreshStatusNow();
    await waitFor("Ready again", async () =>
      (await printedStatus(testbed, ns)) === "Ready" ? true : undefined,
    );
    expect(await conditionOf(ConditionType.NodeStatusStale)).toBeUndefined();
    expect(await conditionOf(ConditionType.Ready)).toMatchObject({ status: "True" });
  });
});
