/**
 * The new-set circuit breaker on the real sandbox. A test-only hook makes the desired pod template differ on every
 * pass without a spec change — the shape of any comparison bug — by stamping a pass counter into the CR's
 * `coreTemplate.metadata.annotations` as each pass reads it (the stored CR and its generation never change).
 * Before the breaker, such a bug created one StatefulSet per pass; now the reconcile creates exactly one, then
 * reports `TemplateDrift` with the differing field path, records one Warning event, backs off, and lets a real
 * spec change (a new generation) create one set again.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { type Condition, ConditionType, EventReason } from "@emqx-reconciler/api";
import { API_STARTING_RETRY_SECONDS } from "@emqx-reconciler/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReconcileDeps } from "../../src/ports.ts";
import { type ReconcileResult, reconcile } from "../../src/workflows/reconcile.ts";
import { applySeed, openSandboxPorts, patchSpec, type SandboxPorts, sleep } from "./sandboxPorts.ts";

const NS = "wf-template-drift";
const KEY = { cluster: "sandbox", namespace: NS, name: "emqx" };
const HOOK_ANNOTATION = "test.emqx-reconciler.io/pass";
let ports: SandboxPorts;

/** Deps whose CR reads carry a new pod-template annotation on every read: a template that never converges. */
function driftingDeps(base: ReconcileDeps): ReconcileDeps {
  let reads = 0;
  const kube = Object.create(base.kube) as ReconcileDeps["kube"];
  kube.getEmqx = async (namespace, name) => {
    const cr = await base.kube.getEmqx(namespace, name);
    const template = (cr?.spec as { coreTemplate?: { metadata?: { annotations?: Record<string, string> } } })
      ?.coreTemplate;
    if (template) {
      reads++;
      template.metadata = { ...template.metadata, annotations: { [HOOK_ANNOTATION]: String(reads) } };
    }
    return cr;
  };
  return { ...base, kube };
}

async function statefulSets(): Promise<KubeObject[]> {
  return ports.gateway.listOwned("StatefulSet", NS, "emqx");
}

async function driftCondition(): Promise<Condition | undefined> {
  const cr = await ports.gateway.getEmqx(NS, "emqx");
  const conditions = (cr?.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  return conditions.find((c) => c.type === ConditionType.TemplateDrift);
}

async function passes(deps: ReconcileDeps, count: number): Promise<ReconcileResult[]> {
  const results: ReconcileResult[] = [];
  for (let i = 0; i < count; i++) {
    results.push(await reconcile(deps, KEY));
    await sleep(200);
  }
  return results;
}

beforeAll(async () => {
  ports = await openSandboxPorts();
  await applySeed(ports, NS);
});

afterAll(async () => {
  await ports?.sandbox.kubectl(["delete", "namespace", NS, "--wait=false"]);
  await ports?.gateway.close();
});

describe("the new-set circuit breaker on a live apiserver", () => {
  it("creates exactly one set for a template that never converges, then reports TemplateDrift once and backs off", {
    timeout: 60_000,
  }, async () => {
    const results = await passes(driftingDeps(ports.reconcileDeps), 8);

    const sets = await statefulSets();
    expect(sets).toHaveLength(1);
    const drift = await driftCondition();
    expect(drift).toMatchObject({ status: "True", reason: "TemplateDrift", observedGeneration: 1 });
    expect(drift?.message).toContain(`StatefulSet ${sets[0]?.metadata?.name}`);
    expect(drift?.message).toContain(`metadata.annotations.${HOOK_ANNOTATION}`);
    const events = await ports.gateway.listEvents(NS, "emqx", EventReason.TemplateDrift);
    expect(events).toHaveLength(1);
    expect(events[0]?.count ?? 1).toBe(1);
    // Backing off: no pass after the first asks to run again sooner than the EMQX API's retry (a pass that found
    // the API not answering yet, while the pods start, asks for its starting retry), and once it answers, the
    // drift's 10 s.
    const delays = results.slice(1).map((r) => r.requeueAfterSeconds ?? 0);
    expect(delays.every((d) => d >= API_STARTING_RETRY_SECONDS)).toBe(true);
    expect(delays.at(-1)).toBeGreaterThanOrEqual(10);
  });

  it("a spec change (a new generation) may create one set again, and the condition clears", {
    timeout: 60_000,
  }, async () => {
    await patchSpec(ports, NS, { image: "emqx/emqx:6.0.2" });

    await passes(ports.reconcileDeps, 3);

    expect(await statefulSets()).toHaveLength(2);
    expect(await driftCondition()).toBeUndefined();
  });
});
