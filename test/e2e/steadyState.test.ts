/**
 * The steady state of `run` (the reconciler of `startReconciler`, reaching the apiserver through a counting proxy)
 * on a sandbox of this file's own, where the Rebalance CRD is installed and removed while it runs: a converged CR
 * costs no request over full rounds of the loop (resync and status refresh), with the Rebalance CRD missing (its
 * absence is looked at again only every recheck period, never per refresh), installed and removed again; a
 * Rebalance created after `run` started is served without a restart; and a Rebalance left with our finalizer in
 * a namespace without any EMQX CR is failed and, once deleted, lets go.
 */
import { loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { REBALANCE_CRD_NAME, REBALANCE_FINALIZER, renderRebalanceCrdYaml } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CountingProxy,
  type ProxyCounts,
  startCountingProxy,
} from "../bench/versusKit/countingProxy.ts";
import { convergeSeed } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  freshNamespace,
  kubectl,
  openPrivateTestbed,
  SEED_NAME,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

/** Short enough for the test to see an installed CRD soon, long against a few rounds of the loop. */
const RECHECK_MS = 15_000;

let testbed: Testbed;
let proxy: CountingProxy;
let embedded: EmbeddedReconciler;
let ns: string;
let bare: string;

beforeAll(async () => {
  testbed = await openPrivateTestbed("steady");
  ns = await freshNamespace(testbed, "e2e-steady");
  bare = await freshNamespace(testbed, "e2e-steady-bare");
  proxy = await startCountingProxy(loadKubeconfigFile(testbed.sandbox.kubeconfigPath));
  const kubeconfig = `${testbed.sandbox.stateDir}/proxy.kubeconfig`;
  await proxy.writeKubeconfig(kubeconfig);
  embedded = await startEmbedded(testbed, ns, {
    kubeConfig: loadKubeconfigFile(kubeconfig),
    allNamespaces: true,
    rebalanceCrdRecheckMs: RECHECK_MS,
  });
  await convergeSeed(testbed, ns);
}, 600_000);

afterAll(async () => {
  await embedded?.stop();
  await proxy?.close();
  await testbed?.gateway.close();
  await testbed?.sandbox.stop();
});

/** The requests of three full rounds of the loop after one to settle, and how long they took. */
async function threeRounds(): Promise<{ counts: ProxyCounts; elapsedMs: number }> {
  await embedded.settle();
  proxy.reset();
  const started = performance.now();
  for (let round = 0; round < 3; round++) await embedded.settle();
  return { counts: proxy.counts(), elapsedMs: performance.now() - started };
}

/** The requests of `counts` but long-running watches (a watch the apiserver ended is resumed, whatever the load). */
function withoutWatches(counts: ProxyCounts): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts.byRequest).filter(([request]) => !request.startsWith("WATCH")),
  );
}

/** The Rebalance list requests three rounds may make while the CRD is missing: one per recheck period begun. */
function rechecksWithin(elapsedMs: number): number {
  return Math.floor(elapsedMs / RECHECK_MS) + 1;
}

async function rebalanceCrdEstablished(): Promise<void> {
  await waitFor("the Rebalance CRD to be established", async () => {
    const crd = await testbed.gateway.get("CustomResourceDefinition", undefined, REBALANCE_CRD_NAME);
    return JSON.stringify(crd?.status ?? {}).includes('"Established"') ? true : undefined;
  });
}

function rebalance(name: string, instanceName: string, finalizers: string[] = []): string {
  return JSON.stringify({
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "Rebalance",
    metadata: { name, ...(finalizers.length > 0 ? { finalizers } : {}) },
    spec: { instanceName, rebalanceStrategy: { connEvictRate: 10 } },
  });
}

type StoredRebalance = {
  metadata?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: Array<{ message?: string }> };
};

async function readRebalance(namespace: string, name: string): Promise<StoredRebalance | undefined> {
  const out = await kubectl(testbed, [
    "get",
    "rebalance",
    name,
    "-n",
    namespace,
    "-o",
    "json",
    "--ignore-not-found",
  ]);
  return out.trim() === "" ? undefined : (JSON.parse(out) as StoredRebalance);
}

describe("steady state of run", { timeout: 300_000 }, () => {
  it("without the Rebalance CRD: no request per round, the CRD looked for only once per recheck period", async () => {
    const { counts, elapsedMs } = await threeRounds();
    console.log(
      `no Rebalance CRD, three rounds in ${elapsedMs.toFixed(0)} ms: ${JSON.stringify(counts.byRequest)}`,
    );
    const { "LIST rebalances": rechecks = 0, ...others } = withoutWatches(counts);
    expect(others).toEqual({});
    expect(rechecks).toBeLessThanOrEqual(rechecksWithin(elapsedMs));
  });

  it("sees the CRD installed and a Rebalance created after it started, without a restart", async () => {
    await kubectl(testbed, ["apply", "--server-side", "-f", "-"], renderRebalanceCrdYaml());
    await rebalanceCrdEstablished();
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], rebalance("after-start", SEED_NAME));
    // Served by the periodic status refresh alone (no refresh forced here). The seed's EMQX holds no client, so
    // EMQX refuses the start (nothing to balance) and the Rebalance ends Failed, its finalizer gone.
    const served = await waitFor(
      "the Rebalance to be served",
      async () => {
        const stored = await readRebalance(ns, "after-start");
        return stored?.status?.phase === "Failed" && !stored.metadata?.finalizers?.length
          ? stored
          : undefined;
      },
      RECHECK_MS * 4,
    );
    expect(JSON.stringify(served.status?.conditions)).toContain("nothing_to_balance");
  });

  it("with the Rebalance CRD and a served Rebalance: no request per round", async () => {
    const { counts, elapsedMs } = await threeRounds();
    console.log(
      `Rebalance CRD, three rounds in ${elapsedMs.toFixed(0)} ms: ${JSON.stringify(counts.byRequest)}`,
    );
    expect(withoutWatches(counts)).toEqual({});
  });

  it("fails a finalized Rebalance in a namespace without an EMQX CR and lets it go once deleted", async () => {
    await kubectl(
      testbed,
      ["apply", "-n", bare, "-f", "-"],
      rebalance("orphan", "missing", [REBALANCE_FINALIZER]),
    );
    const failed = await waitFor("the orphan Rebalance to be failed", async () => {
      await embedded.reconciler.runtime.refreshStatusNow();
      const stored = await readRebalance(bare, "orphan");
      return stored?.status?.phase ? stored : undefined;
    });
    expect(failed.status?.phase).toBe("Failed");
    expect(JSON.stringify(failed.status?.conditions)).toContain("missing");

    await kubectl(testbed, ["delete", "rebalance", "orphan", "-n", bare, "--wait=false"]);
    await waitFor("the deleted orphan Rebalance to be gone", async () => {
      await embedded.reconciler.runtime.refreshStatusNow();
      return (await readRebalance(bare, "orphan")) === undefined ? true : undefined;
    });
  });

  it("sees the CRD removed: back to no request per round", async () => {
    await kubectl(testbed, ["delete", "crd", REBALANCE_CRD_NAME, "--wait=true"]);
    await waitFor("run to see the Rebalance CRD gone", async () =>
      embedded.logs.filter((l) => String(l.msg).startsWith("No Rebalance kind")).length >= 2
        ? true
        : undefined,
    );
    const { counts, elapsedMs } = await threeRounds();
    console.log(
      `Rebalance CRD removed, three rounds in ${elapsedMs.toFixed(0)} ms: ${JSON.stringify(counts.byRequest)}`,
    );
    const { "LIST rebalances": rechecks = 0, ...others } = withoutWatches(counts);
    expect(others).toEqual({});
    expect(rechecks).toBeLessThanOrEqual(rechecksWithin(elapsedMs));
  });
});
