/**
 * How the status refresher finds Rebalances without a cache: one list across the namespaces served, grouped by
 * namespace; a missing CRD (404) gives none and, with a memory, is not asked about again until the recheck
 * period has passed, while an installed one is listed on every refresh.
 */
import { KubeError, type KubeObject } from "@emqx-reconciler/adapters";
import { describe, expect, it } from "vitest";
import type { StatusDeps } from "../../src/ports.ts";
import {
  listRebalancesByNamespace,
  REBALANCE_CRD_RECHECK_MS,
  RebalanceCrdMemory,
} from "../../src/workflows/rebalanceListing.ts";
import { RecordingLogger } from "./recorders.ts";

function rebalance(namespace: string, name: string): KubeObject {
  return { apiVersion: "apps.emqx.io/v2beta1", kind: "Rebalance", metadata: { namespace, name } };
}

/** A port whose Rebalance list answers from `installed()`: the items, or a 404 when the CRD is missing. */
function kubeWith(installed: () => KubeObject[] | undefined) {
  const asked: Array<string | undefined> = [];
  const kube = {
    async list(_kind: string, options: { namespace?: string } = {}) {
      asked.push(options.namespace);
      const items = installed();
      if (!items) throw new KubeError("LIST rebalances: 404", { kind: "not-found", status: 404 });
      return { items, resourceVersion: "1" };
    },
  } as unknown as StatusDeps["kube"];
  return { kube, asked };
}

describe("listRebalancesByNamespace", () => {
  it("lists once across the namespaces served and groups by namespace", async () => {
    const { kube, asked } = kubeWith(() => [
      rebalance("a", "r1"),
      rebalance("b", "r2"),
      rebalance("a", "r3"),
    ]);
    const byNamespace = await listRebalancesByNamespace({ kube, logger: new RecordingLogger() });
    expect(asked).toEqual([undefined]);
    expect([...byNamespace].map(([ns, items]) => [ns, items.map((r) => r.metadata?.name)])).toEqual([
      ["a", ["r1", "r3"]],
      ["b", ["r2"]],
    ]);
  });

  it("with a memory, asks about a missing CRD once per recheck period, and every time once it is installed", async () => {
    let clock = 0;
    let items: KubeObject[] | undefined;
    const { kube, asked } = kubeWith(() => items);
    const deps = {
      kube,
      logger: new RecordingLogger(),
      rebalanceCrd: new RebalanceCrdMemory(undefined, () => clock),
    };
    expect((await listRebalancesByNamespace(deps)).size).toBe(0);
    clock += REBALANCE_CRD_RECHECK_MS - 1;
    await listRebalancesByNamespace(deps);
    expect(asked).toHaveLength(1);
    items = [rebalance("a", "r1")];
    clock += 1;
    expect((await listRebalancesByNamespace(deps)).get("a")).toHaveLength(1);
    await listRebalancesByNamespace(deps);
    expect(asked).toHaveLength(3);
  });

  it("logs a failed list and gives none, without remembering it as a missing CRD", async () => {
    let calls = 0;
    const kube = {
      async list() {
        calls++;
        throw new KubeError("LIST rebalances: 503", { kind: "retryable", status: 503 });
      },
    } as unknown as StatusDeps["kube"];
    const logger = new RecordingLogger();
    const deps = { kube, logger, rebalanceCrd: new RebalanceCrdMemory() };
    expect((await listRebalancesByNamespace(deps)).size).toBe(0);
    await listRebalancesByNamespace(deps);
    expect(calls).toBe(2);
    expect(logger.lines.map((l) => l.message)).toEqual([
      "Failed to list Rebalances",
      "Failed to list Rebalances",
    ]);
  });
});
