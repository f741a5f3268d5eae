/**
 * Every CR of the offline fidelity matrix (the operator 2.2.30's documented pod, PDB and Service cases: resources
 * and security contexts, init and extra containers, extra volumes, claim templates, tolerations, Service
 * templates, bootstrap keys from Secrets, cookies, listeners) applied live at once: each converges with one
 * StatefulSet and at most one ReplicaSet, cases with cores become Ready, and three full rounds of the loop later
 * the reconciler writes nothing. The offline matrix proves the children equal the operator's; this proves they
 * also settle on a real apiserver.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PDB_AND_SERVICE_CASES } from "../../packages/core/test/fidelity/cases/exposed.ts";
import { POD_CASES } from "../../packages/core/test/fidelity/cases/pods.ts";
import type { FidelityCase } from "../../packages/core/test/fidelity/fidelityCase.ts";
import { IMAGE } from "../../packages/core/test/fidelity/operator.ts";
import { applyList, census, waitAllReady, writesOverThreeRounds } from "./support/census.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import { closeWorld, type E2eWorld, freshNamespace, openWorld, waitFor } from "./support/world.ts";

const CASES: FidelityCase[] = [...POD_CASES, ...PDB_AND_SERVICE_CASES];

let world: E2eWorld;
let ns: string;
let embedded: EmbeddedReconciler | undefined;

/** The case's CR, named after its row, in the test namespace. */
function caseCr(c: FidelityCase, index: number): { name: string; object: object } {
  const name = `fidelity-${String(index).padStart(2, "0")}`;
  const { labels, annotations } = (c.metadata ?? {}) as { labels?: object; annotations?: object };
  const object = {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name, namespace: ns, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec: { image: IMAGE, ...c.spec },
  };
  return { name, object };
}

/** Secrets the cases' `bootstrapAPIKeys[].secretRef` name. */
function referencedSecrets(): object[] {
  const values = new Map<string, Record<string, string>>();
  for (const c of CASES)
    for (const [secret, data] of Object.entries(c.options?.refValues ?? {}))
      values.set(secret, { ...values.get(secret), ...(data ?? {}) });
  return [...values].map(([name, stringData]) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: ns },
    stringData,
  }));
}

beforeAll(async () => {
  world = await openWorld();
  ns = await freshNamespace(world, "e2e-fidelity");
  await applyList(world, referencedSecrets());
  embedded = await startEmbedded(world, ns);
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
  await closeWorld(world, ns);
});

describe("the fidelity matrix on a live apiserver", () => {
  it(`all ${CASES.length} cases converge with one set per role and then write nothing`, {
    timeout: 420_000,
  }, async () => {
    const crs = CASES.map(caseCr);
    await applyList(
      world,
      crs.map((c) => c.object),
    );
    const withCores = crs.filter((_, i) => (CASES[i]?.core.replicas ?? 0) > 0).map((c) => c.name);
    const coreless = crs.filter((c) => !withCores.includes(c.name)).map((c) => c.name);

    await waitAllReady(world, ns, withCores, 360_000);
    // A CR without cores never gets Ready; it is judged by its status having been written.
    await waitFor("coreless cases to get a status", async () => {
      const { notReady } = await census(world, ns);
      return coreless.every((n) => notReady.some((r) => r.name === n && r.state !== undefined))
        ? true
        : undefined;
    });
    const quiet = await writesOverThreeRounds(embedded as EmbeddedReconciler);
    const after = await census(world, ns);

    expect(after.multiplied).toEqual([]);
    expect(after.drift).toEqual([]);
    expect(after.ready.sort()).toEqual([...withCores].sort());
    expect(quiet).toEqual({ writes: 0, byRequest: {} });
  });
});
