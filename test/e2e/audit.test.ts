/**
 * The audit trail, live on the sandbox: every pass that writes puts one `ReconcileApplied` event on the bus and
 * logs one line, and a pass that changed more than pod readiness gates and the CR's status records one Event on
 * the CR, all naming the objects, the field paths, the plan step and the hint — and never a Secret value.
 */
import { busPatterns, ConditionType, EventReason, type ReconcileApplied } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  hasCondition,
  kubectl,
  openTestbed,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

const CR = {
  apiVersion: "apps.emqx.io/v2beta1",
  kind: "EMQX",
  metadata: { name: "emqx" },
  spec: { image: "emqx/emqx:5.8.6", coreTemplate: { spec: { replicas: 1 } } },
};

interface EventObject {
  reason?: string;
  type?: string;
  message?: string;
  involvedObject?: { name?: string };
}

async function crEvents(testbed: Testbed, namespace: string): Promise<EventObject[]> {
  const out = await kubectl(testbed, ["get", "events", "-n", namespace, "-o", "json"]);
  return ((JSON.parse(out) as { items: EventObject[] }).items ?? []).filter(
    (e) => e.involvedObject?.name === "emqx",
  );
}

async function auditEvents(testbed: Testbed, namespace: string): Promise<EventObject[]> {
  return (await crEvents(testbed, namespace)).filter((e) => e.reason === EventReason.ReconcileApplied);
}

describe("the audit trail of passes that write", () => {
  let testbed: Testbed;
  let ns: string;
  let embedded: EmbeddedReconciler | undefined;
  const published: ReconcileApplied[] = [];

  beforeAll(async () => {
    testbed = await openTestbed();
    ns = await freshNamespace(testbed, "e2e-audit");
    embedded = await startEmbedded(testbed, ns);
    embedded.reconciler.runtime.bus.addRule({
      name: "audit-collector",
      pattern: busPatterns.reconcileApplied,
      target: (event) => {
        published.push(event.detail as ReconcileApplied);
      },
    });
    // The start-up resync has listed (an empty namespace) before the apply: the first pass is the watch's `added`.
    await embedded.settle();
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], JSON.stringify(CR));
    await waitFor("Ready", async () =>
      hasCondition(await readCr(testbed, ns), ConditionType.Ready) ? true : undefined,
    );
    await embedded.settle();
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    await closeTestbed(testbed, ns);
  });

  it("records the first pass's creates by name only, never a Secret value", { timeout: 30_000 }, async () => {
    const first = published[0];
    expect(first).toMatchObject({ namespace: ns, name: "emqx", hint: { cause: "added" } });
    const secrets = first?.changes.filter((c) => c.kind === "Secret") ?? [];
    expect(secrets.map((c) => [c.action, c.name, c.fields]).sort()).toEqual([
      ["create", "emqx-bootstrap-api-key", []],
      ["create", "emqx-node-cookie", []],
      ["create", "emqx-reconciler-state", []],
    ]);
    const values = [
      ...Object.values((await testbed.gateway.getSecret(ns, "emqx-bootstrap-api-key")) ?? {}),
      ...Object.values((await testbed.gateway.getSecret(ns, "emqx-node-cookie")) ?? {}),
      ...Object.values((await testbed.gateway.getSecret(ns, "emqx-reconciler-state")) ?? {}),
    ].flatMap((v) => v.split(/[\n:]/).filter((part) => part.length >= 16));
    expect(values.length).toBeGreaterThan(0);
    const everything = JSON.stringify([published, await auditEvents(testbed, ns), embedded?.logs]);
    for (const value of values) expect(everything).not.toContain(value);
  });

  it("records one Event per pass that changed what the cluster runs, and Ready once", {
    timeout: 30_000,
  }, async () => {
    const events = await crEvents(testbed, ns);
    const bookkeeping = (r: ReconcileApplied) =>
      r.changes.every((c) => c.action === "gate" || c.action === "status");
    // Starting pods get their readiness gates in passes of their own: on the bus and the log, not on the CR.
    expect(published.filter(bookkeeping).length).toBeGreaterThan(0);
    expect(events.filter((e) => e.reason === EventReason.ReconcileApplied)).toHaveLength(
      published.filter((r) => !bookkeeping(r)).length,
    );
    expect(
      events.filter((e) => e.reason !== EventReason.ReconcileApplied && e.reason !== EventReason.Ready),
    ).toEqual([]);
    expect(events.filter((e) => e.message?.startsWith("Cluster is ready"))).toHaveLength(1);
    const created = published.flatMap((r) => r.changes).filter((c) => c.action === "create");
    expect(created.map((c) => c.kind)).toContain("StatefulSet");
    // The pass that found the cluster Ready notes it, unless the status refresher was the one that wrote Ready.
    const noted = published.filter((r) => r.notes !== undefined).map((r) => r.notes);
    expect([[], [["Cluster is ready"]]]).toContainEqual(noted);
  });

  it("names the field a spec change writes, the plan step and the hint, the same on the bus, the CR and the log", {
    timeout: 60_000,
  }, async () => {
    const seen = published.length;
    await kubectl(testbed, [
      "patch",
      "emqx",
      "emqx",
      "-n",
      ns,
      "--type=merge",
      "-p",
      JSON.stringify({ spec: { coreTemplate: { spec: { replicas: 2 } } } }),
    ]);
    const record = await waitFor("the audit of the scale-up", async () =>
      published
        .slice(seen)
        .find((r) => r.changes.some((c) => c.kind === "StatefulSet" && c.fields.includes("spec.replicas"))),
    );
    const set = record.changes.find((c) => c.kind === "StatefulSet");
    expect(set).toMatchObject({ action: "apply", fields: ["spec.replicas"] });
    expect(record.hint?.source).toMatch(/^emqx-reconciler\./);
    // Log fields that are objects are printed as JSON text.
    const line = embedded?.logs.find(
      (l) => l.msg === "Reconcile applied" && l.changes === JSON.stringify(record.changes),
    );
    expect(line?.message).toEqual(expect.stringContaining(`apply StatefulSet ${set?.name} (spec.replicas)`));
    const events = await waitFor("the audit Event", async () => {
      const found = (await auditEvents(testbed, ns)).filter((e) => e.message === line?.message);
      return found.length > 0 ? found : undefined;
    });
    expect(events.map((e) => e.type)).toEqual(["Normal"]);
    expect(line?.message).toMatch(/ — hint [a-z]+ from emqx-reconciler\.[a-z]+$/);
  });

  it("adds nothing once the CR is converged", { timeout: 60_000 }, async () => {
    await waitFor("Ready with 2 cores", async () => {
      const cr = await readCr(testbed, ns);
      return hasCondition(cr, ConditionType.Ready) && cr?.status?.coreNodesStatus?.readyReplicas === 2
        ? true
        : undefined;
    });
    await embedded?.settle();
    const count = published.length;
    const events = (await auditEvents(testbed, ns)).length;
    for (let round = 0; round < 3; round++) await embedded?.settle();
    expect(published.length).toBe(count);
    expect((await auditEvents(testbed, ns)).length).toBe(events);
  });
});
