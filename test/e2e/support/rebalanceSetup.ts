/**
 * The set-up the Rebalance e2e tests share: the operator's Rebalance CRD installed (and established), a fresh
 * namespace with its own embedded reconciler, and the seed example converged there.
 */
import { REBALANCE_CRD_NAME, renderRebalanceCrdYaml } from "@emqx-reconciler/api";
import { convergeSeed } from "./converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./embedded.ts";
import { freshNamespace, kubectl, openTestbed, SEED_NAME, type Testbed, waitFor } from "./testbed.ts";

/** What {@link openRebalanceTestbed} set up. */
export interface RebalanceTestbed {
  testbed: Testbed;
  ns: string;
  embedded: EmbeddedReconciler;
}

/**
 * Opens the testbed with the Rebalance CRD, a namespace named after `prefix` and the seed converged in it; with
 * `connections`, the emulator's load curve puts that many clients on the seed and the status is refreshed.
 */
export async function openRebalanceTestbed(prefix: string, connections?: number): Promise<RebalanceTestbed> {
  const testbed = await openTestbed();
  await kubectl(
    testbed,
    ["apply", "--server-side", "--force-conflicts", "-f", "-"],
    renderRebalanceCrdYaml(),
  );
  await waitFor("the Rebalance CRD to be established", async () => {
    const crd = await testbed.gateway.get("CustomResourceDefinition", undefined, REBALANCE_CRD_NAME);
    return JSON.stringify(crd?.status ?? {}).includes('"Established"') ? true : undefined;
  });
  const ns = await freshNamespace(testbed, prefix);
  const embedded = await startEmbedded(testbed, ns);
  await convergeSeed(testbed, ns);
  if (connections !== undefined) {
    await testbed.emulator.setLoadCurve({ namespace: ns, name: SEED_NAME }, [{ afterMs: 0, connections }]);
    await embedded.reconciler.runtime.refreshStatusNow();
  }
  return { testbed, ns, embedded };
}
