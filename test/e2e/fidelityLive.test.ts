/**
 * Every CR of the offline fidelity matrix (the operator 2.2.30's documented pod, PDB and Service cases: resources
 * and security contexts, init and extra containers, extra volumes, claim templates, tolerations, Service
 * templates, bootstrap keys from Secrets, cookies, listeners) applied live at once: each converges with one
 * StatefulSet and at most one ReplicaSet, cases with cores become Ready, and three full rounds of the loop later
 * the reconciler writes nothing. The offline matrix proves the children equal the operator's; this proves they
 * also settle on a real apiserver.
 */
import { ConditionType, type EmqxStatus } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PDB_AND_SERVICE_CASES } from "../../packages/core/test/fidelity/cases/exposed.ts";
import { POD_CASES } from "../../packages/core/test/fidelity/cases/pods.ts";
import type { FidelityCase } from "../../packages/core/test/fidelity/fidelityCase.ts";
import { IMAGE } from "../../packages/core/test/fidelity/operator.ts";
import { applyList, census, waitAllReady, writesOverThreeRounds } from "./support/census.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  kubectl,
  openTestbed,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

const CASES: FidelityCase[] = [...POD_CASES, ...PDB_AND_SERVICE_CASES];

/**
 * Cases that cannot become Ready on the sandbox, by a fragment of their name, and why; like every other case they
 * must still get a status, keep one set per role and then write nothing.
 */
const NOT_READY_ON_SANDBOX: Record<string, string> = {
  "replicas 0 on both": "no core nodes at all",
  "pull settings and scheduling":
    "pins its pods to node-1 with nodeSelector disk=ssd, which no sandbox node has",
  "user env after": "its EMQX_HOST override names the nodes fixed.example, which no pod is",
  "https-only dashboard": "an https dashboard with no CA we trust (the https e2e covers the trusted case)",
  "http dashboard disabled": "no dashboard listener at all, so nothing answers the EMQX API",
  "volumeClaimTemplates without volumeMode": "claims of StorageClass gp3, which the sandbox does not bind",
};

/**
 * Cases the apiserver refuses (the operator's output is refused the same way): the CR must say so with
 * `ReconcileFailed` naming the field; it is deleted before the quiet rounds, since a refused write is retried.
 */
const REFUSED: Record<string, string> = {
  "volumeClaimTemplates with volumeMode Block": "spec.volumeClaimTemplates[0].spec.accessModes",
};

function refusedField(c: FidelityCase): string | undefined {
  return Object.entries(REFUSED).find(([fragment]) => c.name.includes(fragment))?.[1];
}

function readyExpected(c: FidelityCase): boolean {
  return (
    refusedField(c) === undefined &&
    !Object.keys(NOT_READY_ON_SANDBOX).some((fragment) => c.name.includes(fragment))
  );
}

let testbed: Testbed;
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
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-fidelity");
  await applyList(testbed, referencedSecrets());
  // Compared with the operator, which reads any Secret a secretRef names: the same policy here.
  embedded = await startEmbedded(testbed, ns, { secretRefs: "any" });
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("the fidelity matrix on a live apiserver", () => {
  it(`all ${CASES.length} cases converge with one set per role and then write nothing`, {
    timeout: 420_000,
  }, async () => {
    const crs = CASES.map(caseCr);
    await applyList(
      testbed,
      crs.map((c) => c.object),
    );
    const ready = crs.filter((_, i) => readyExpected(CASES[i] as FidelityCase)).map((c) => c.name);
    const stuck = crs.filter((c) => !ready.includes(c.name)).map((c) => c.name);

    await waitAllReady(testbed, ns, ready, 240_000);
    await waitFor("the cases that cannot be Ready here to get a status", async () => {
      const { notReady } = await census(testbed, ns);
      return stuck.every((n) => notReady.some((r) => r.name === n && r.state !== undefined))
        ? true
        : undefined;
    });
    for (const [i, c] of crs.entries()) {
      const field = refusedField(CASES[i] as FidelityCase);
      if (field === undefined) continue;
      const failed = (await testbed.gateway.getEmqx(ns, c.name))?.status as EmqxStatus | undefined;
      const condition = failed?.conditions?.find((x) => x.type === ConditionType.ReconcileFailed);
      expect(condition?.message, c.name).toContain(field);
      await kubectl(testbed, ["delete", "emqx", c.name, "-n", ns, "--wait=true"]);
    }
    const quiet = await writesOverThreeRounds(embedded as EmbeddedReconciler);
    const after = await census(testbed, ns);

    expect(after.multiplied).toEqual([]);
    expect(after.drift).toEqual([]);
    expect(after.ready.sort()).toEqual([...ready].sort());
    expect(stuck).toHaveLength(Object.keys(NOT_READY_ON_SANDBOX).length + Object.keys(REFUSED).length);
    expect(quiet).toEqual({ writes: 0, byRequest: {} });
  });
});
