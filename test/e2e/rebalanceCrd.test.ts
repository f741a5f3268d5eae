/**
 * The generated `rebalances.apps.emqx.io` CRD on the sandbox apiserver: it is established, a Rebalance written as
 * the operator's docs write one gets the operator's defaults, a spec edit is refused as the operator's webhook
 * refuses it, and a Rebalance without `connEvictRate` is invalid.
 */
import { REBALANCE_CRD_NAME, renderRebalanceCrdYaml } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeTestbed,
  freshNamespace,
  kubectl,
  openTestbed,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;

const rebalance = (connEvictRate?: number) =>
  JSON.stringify({
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "Rebalance",
    metadata: { name: "rebalance-sample" },
    spec: {
      instanceName: "emqx",
      rebalanceStrategy: connEvictRate === undefined ? {} : { connEvictRate },
    },
  });

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-rebalance-crd");
  await kubectl(
    testbed,
    ["apply", "--server-side", "--force-conflicts", "-f", "-"],
    renderRebalanceCrdYaml(),
  );
  await waitFor("the Rebalance CRD to be established", async () => {
    const crd = await testbed.gateway.get("CustomResourceDefinition", undefined, REBALANCE_CRD_NAME);
    const conditions = (crd?.status as { conditions?: Array<{ type: string; status: string }> })?.conditions;
    return conditions?.some((c) => c.type === "Established" && c.status === "True") ? true : undefined;
  });
}, 120_000);

afterAll(async () => {
  await closeTestbed(testbed, ns);
});

describe("Rebalance CRD", { timeout: 60_000 }, () => {
  it("defaults the strategy as the operator does and refuses spec edits", async () => {
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], rebalance(10));
    const stored = JSON.parse(
      await kubectl(testbed, ["get", "rebalance", "rebalance-sample", "-n", ns, "-o", "json"]),
    );
    expect(stored.spec).toEqual({
      instanceKind: "EMQX",
      instanceName: "emqx",
      rebalanceStrategy: {
        connEvictRate: 10,
        sessEvictRate: 500,
        waitTakeover: 60,
        waitHealthCheck: 60,
        absConnThreshold: 1000,
        relConnThreshold: "1.1",
        absSessThreshold: 1000,
        relSessThreshold: "1.1",
      },
    });
    await expect(kubectl(testbed, ["apply", "-n", ns, "-f", "-"], rebalance(20))).rejects.toThrow(
      /the Rebalance spec don't allow update/,
    );
  });

  it("requires connEvictRate", async () => {
    const bad = rebalance().replace("rebalance-sample", "rebalance-bad");
    await expect(kubectl(testbed, ["apply", "-n", ns, "-f", "-"], bad)).rejects.toThrow(/connEvictRate/);
  });
});
