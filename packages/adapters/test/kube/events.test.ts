import { EVENT_SOURCE } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeGateway, KubeObject } from "../../src/index.ts";
import { emqxCr, freshNamespace, installCrd, sandboxGateway } from "./cluster.ts";

let clock = new Date("2026-01-01T00:00:00.000Z");
let gw: KubeGateway;
let other: KubeGateway;
let ns: string;
let cr: KubeObject;

beforeAll(async () => {
  gw = await sandboxGateway(() => clock);
  other = await sandboxGateway(() => clock);
  await installCrd(gw);
  ns = await freshNamespace(gw, "events");
  cr = await gw.apply(emqxCr(ns, "ev"));
});
afterAll(async () => {
  await gw?.close();
  await other?.close();
});

describe("recordEvent", () => {
  it("records an Event on the CR that kubectl describe finds, and bumps its count on repeats", async () => {
    const warning = {
      type: "Warning" as const,
      reason: "InvalidConfig",
      message: "config.data: unterminated object",
    };
    await gw.recordEvent(cr, warning);
    clock = new Date("2026-01-01T00:01:00.000Z");
    gw.resetStats();
    await gw.recordEvent(cr, warning);
    expect(gw.stats().byRequest).toEqual({ "patch events": 1 });
    clock = new Date("2026-01-01T00:02:00.000Z");
    await other.recordEvent(cr, warning);
    const events = await gw.listEvents(ns, "ev", "InvalidConfig");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "Warning",
      message: warning.message,
      count: 3,
      firstTimestamp: "2026-01-01T00:00:00Z",
      lastTimestamp: "2026-01-01T00:02:00Z",
      source: { component: EVENT_SOURCE },
      involvedObject: { kind: "EMQX", name: "ev", namespace: ns, uid: cr.metadata?.uid },
    });
  });

  it("keeps different messages as different Events", async () => {
    await gw.recordEvent(cr, { type: "Normal", reason: "Scaled", message: "replicants 3 -> 5" });
    await gw.recordEvent(cr, { type: "Normal", reason: "Scaled", message: "replicants 5 -> 0" });
    const events = await gw.listEvents(ns, "ev", "Scaled");
    expect(events.map((e) => [e.message, e.count]).sort()).toEqual([
      ["replicants 3 -> 5", 1],
      ["replicants 5 -> 0", 1],
    ]);
  });

  it("recreates an Event that expired (or was deleted) since this process last bumped it", async () => {
    const event = { type: "Normal" as const, reason: "Ready", message: "Cluster is ready" };
    await gw.recordEvent(cr, event);
    const [stored] = await gw.listEvents(ns, "ev", "Ready");
    await gw.delete({
      apiVersion: "v1",
      kind: "Event",
      namespace: ns,
      name: stored?.metadata?.name ?? "",
      uid: stored?.metadata?.uid ?? "",
    });
    await gw.recordEvent(cr, event);
    const after = await gw.listEvents(ns, "ev", "Ready");
    expect(after.map((e) => e.count)).toEqual([1]);
  });
});
