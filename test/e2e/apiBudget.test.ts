/**
 * An EMQX API that hangs must not hold back spec work that needs no answer from it: with every request to the
 * emulated API hanging, a replicant scale-up still reaches the ReplicaSet within the pass's read budget plus a
 * few round trips (the reads are abandoned after the budget and the pass goes ahead from the last known view).
 * The time from the CR patch to the new `spec.replicas` is printed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  openTestbed,
  patchCr,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

async function replicantSetReplicas(): Promise<number | undefined> {
  const sets = await testbed.gateway.listOwned("ReplicaSet", ns, "emqx");
  const live = sets.filter((s) => ((s.spec as { replicas?: number })?.replicas ?? 0) > 0);
  return (live[0]?.spec as { replicas?: number } | undefined)?.replicas;
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-api-budget");
  embedded = await startEmbedded(testbed, ns);
  await convergeSeed(testbed, ns);
}, 150_000);

afterAll(async () => {
  await testbed?.emulator.setFault({ namespace: ns, name: "emqx" }, "none");
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("a hung EMQX API and spec work", () => {
  it("a replicant scale-up reaches the ReplicaSet while every API request hangs", {
    timeout: 90_000,
  }, async () => {
    await testbed.emulator.setFault({ namespace: ns, name: "emqx" }, "hang");
    const start = Date.now();
    await patchCr(testbed, ns, { spec: { replicantTemplate: { spec: { replicas: 4 } } } });

    await waitFor(
      "the ReplicaSet at 4 replicas",
      async () => ((await replicantSetReplicas()) === 4 ? true : undefined),
      60_000,
    );
    const elapsed = Date.now() - start;
    console.log(
      `replicant scale 3 → 4 under a hung EMQX API: ReplicaSet updated ${elapsed} ms after the patch`,
    );

    const cr = await readCr(testbed, ns);
    expect(cr?.status?.replicantNodes?.length).toBe(3);
  });
});
