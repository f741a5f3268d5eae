/**
 * The generated `rebalances.apps.emqx.io` CRD on the sandbox apiserver: it is established, a Rebalance written as
 * the operator's docs write one gets the operator's defaults, a spec edit is refused as the operator's webhook
 * refuses it, and a Rebalance without `connEvictRate` is invalid.
 */
import { REBALANCE_CRD_NAME, renderRebalanceCrdYaml } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeWorld, type E2eWorld, freshNamespace, kubectl, openWorld, waitFor } from "./support/world.ts";

let world: E2eWorld;
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
  world = await openWorld();
  ns = await freshNamespace(world, "e2e-rebalance-crd");
  await kubectl(world, ["apply", "--server-side", "--force-conflicts", "-f", "-"], renderRebalanceCrdYaml());
  await waitFor("the Rebalance CRD to be established", async () => {
    const crd = await world.gateway.get("CustomResourceDefinition", undefined, REBALANCE_CRD_NAME);
    const conditions = (crd?.status as { conditions?: Array<{ type: string; status: string }> })?.conditions;
    return conditions?.some((c) => c.type === "Established" && c.status === "True") ? true : undefined;
  });
}, 120_000);

afterAll(async () => {
  await closeWorld(world, ns);
});

describe("Rebalance CRD", { timeout: 60_000 }, () => {
  it("defaults the strategy as the operator does and refuses spec edits", async () => {
    await kubectl(world, ["apply", "-n", ns, "-f", "-"], rebalance(10));
    const stored = JSON.parse(
      await kubectl(world, ["get", "rebalance", "rebalance-sample", "-n", ns, "-o", "json"]),
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
    await expect(kubectl(world, ["apply", "-n", ns, "-f", "-"], rebalance(20))).rejects.toThrow(
      /the Rebalance spec don't allow update/,
    );
  });

  it("requires connEvictRate", async () => {
    const bad = rebalance().replace("rebalance-sample", "rebalance-bad");
    await expect(kubectl(world, ["apply", "-n", ns, "-f", "-"], bad)).rejects.toThrow(/connEvictRate/);
  });
});
