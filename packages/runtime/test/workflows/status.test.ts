/**
 * The status workflow's orchestration at the port boundary: nothing written for converged CRs, one CR's failure
 * never stops the others, a node leaving is taken out of service and each transition is published once.
 */
import { KubeError } from "@emqx-reconciler/adapters";
import { CONDITION_ON_SERVING } from "@emqx-reconciler/api";
import { beforeEach, describe, expect, it } from "vitest";
import type { ReconcileDeps, StatusDeps } from "../../src/ports.ts";
import { reconcile } from "../../src/workflows/reconcile.ts";
import { refreshStatus } from "../../src/workflows/status.ts";
import { FakeEmqx, runControllers, seedCr } from "./fakeControllers.ts";
import { FakeKube } from "./fakeKube.ts";
import { RecordingLogger, RecordingPublisher } from "./recorders.ts";

let kube: FakeKube;
let emqx: FakeEmqx;
let publisher: RecordingPublisher;
let deps: StatusDeps;

async function converge(namespace: string): Promise<void> {
  const reconcileDeps: ReconcileDeps = {
    ...deps,
    random: { password: () => "p".repeat(64), cookie: () => "c".repeat(64) },
  };
  for (let pass = 0; pass < 20; pass++) {
    const result = await reconcile(reconcileDeps, { cluster: "test", namespace, name: "emqx" });
    if (result.outcome === "converged") return;
    runControllers(kube);
  }
  throw new Error(`${namespace} did not converge`);
}

function gate(namespace: string, pod: string): string | undefined {
  const status = kube.get("Pod", namespace, pod)?.status as
    | { conditions: Array<{ type: string; status: string }> }
    | undefined;
  return status?.conditions.find((c) => c.type === CONDITION_ON_SERVING)?.status;
}

beforeEach(async () => {
  kube = new FakeKube();
  emqx = new FakeEmqx(kube);
  publisher = new RecordingPublisher();
  deps = {
    kube: kube.port(),
    emqxApi: emqx,
    publisher,
    clock: { now: () => new Date("2026-01-01T00:00:00Z") },
    logger: new RecordingLogger(),
  };
  for (const ns of ["a", "b"]) {
    kube.seed(seedCr(ns));
    await converge(ns);
  }
  publisher.entries.length = 0;
});

describe("refreshStatus (in memory)", () => {
  it("writes and publishes nothing for converged CRs, with one list per kind across namespaces", async () => {
    const writes = kube.writes.length;
    kube.reads.clear();
    expect(await refreshStatus(deps, "test")).toEqual({
      crs: 2,
      patched: 0,
      transitions: [],
      failed: 0,
      attention: [],
    });
    expect(kube.writes.length).toBe(writes);
    expect(Object.fromEntries(kube.reads)).toEqual({
      "list EMQX": 1,
      "list StatefulSet": 1,
      "list ReplicaSet": 1,
      "list Pod": 1,
    });
  });

  it("goes on with the other CRs when one fails (a failed list across namespaces is retried per namespace)", async () => {
    const unavailable = () => new KubeError("LIST statefulsets: 503", { kind: "retryable", status: 503 });
    kube.failures.set("list StatefulSet", unavailable());
    kube.failures.set("list StatefulSet a", unavailable());
    emqx.down.add("b/emqx");
    const result = await refreshStatus(deps, "test");
    expect(result).toMatchObject({ crs: 2, patched: 1, failed: 1 });
    const b = kube.get("EMQX", "b", "emqx")?.status as {
      conditions: Array<{ type: string }>;
      coreNodes: unknown[];
    };
    expect(b.conditions.map((c) => c.type)).toContain("NodeStatusStale");
    expect(b.coreNodes).toHaveLength(2);
    expect(result.attention).toEqual([
      { namespace: "b", name: "emqx", condition: "NodeStatusStale", reason: "ApiUnavailable" },
    ]);
  });

  it("leaves a CR whose reconcile is queued or running to that pass: no gate, no status written", async () => {
    const status = kube.get("EMQX", "a", "emqx")?.status as
      | { replicantNodesStatus?: { updateRevision?: string } }
      | undefined;
    const victim = `emqx-replicant-${status?.replicantNodesStatus?.updateRevision}-0`;
    emqx.gone.add(victim);
    const writes = kube.writes.length;
    const result = await refreshStatus({ ...deps, busy: (namespace) => namespace === "a" }, "test");
    expect(result).toMatchObject({ crs: 2, failed: 0 });
    expect(gate("a", victim)).toBe("True");
    expect(kube.get("EMQX", "a", "emqx")?.status).toEqual(status);
    expect(kube.writes.slice(writes)).toEqual([]);
    // Not busy: refreshed as usual.
    const again = await refreshStatus(deps, "test");
    expect(again.transitions.map((t) => t.namespace)).toEqual(["a"]);
    expect(gate("a", victim)).toBe("False");
  });

  it("takes a node that left out of service and publishes each change once", async () => {
    const status = kube.get("EMQX", "a", "emqx")?.status as
      | { replicantNodesStatus?: { updateRevision?: string } }
      | undefined;
    const victim = `emqx-replicant-${status?.replicantNodesStatus?.updateRevision}-0`;
    emqx.gone.add(victim);
    const first = await refreshStatus(deps, "test");
    expect(first.transitions).toHaveLength(1);
    expect(first.transitions[0]).toMatchObject({
      namespace: "a",
      from: "Ready",
      replicant: { ready: 2, desired: 3 },
    });
    expect(gate("a", victim)).toBe("False");
    runControllers(kube);
    const published: string[] = [];
    for (let i = 0; i < 10; i++) {
      const step = await refreshStatus(deps, "test");
      if (step.transitions.length === 0) break;
      published.push(...step.transitions.map(({ time: _t, ...rest }) => JSON.stringify(rest)));
    }
    expect(new Set(published).size).toBe(published.length);
    const transitions = publisher.entries.filter((e) => e.DetailType === "StatusTransition");
    expect(transitions).toHaveLength(1 + published.length);
    const lifecycle = publisher.entries
      .filter((e) => e.DetailType === "LifecycleEvent")
      .map((e) => JSON.parse(e.Detail) as { kind: string; node?: string });
    expect(lifecycle.filter((e) => e.kind === "NodeLeft").map((e) => e.node)).toHaveLength(1);
    expect((await refreshStatus(deps, "test")).transitions).toEqual([]);
  });
});
