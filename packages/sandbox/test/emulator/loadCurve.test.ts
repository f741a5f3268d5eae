import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorAdmin } from "../../src/emulator/index.ts";
import { startTestCluster, type TestCluster } from "./harness.ts";

let t: TestCluster;
let now = Date.parse("2026-06-01T00:00:00Z");
let admin: EmulatorAdmin;
const cluster = { namespace: "default", name: "emqx" };

beforeAll(async () => {
  t = await startTestCluster("127.250.7", "emqx/emqx:6.0.1", () => now);
  admin = new EmulatorAdmin(t.emulator.adminUrl);
});
afterAll(async () => {
  await t.emulator.stop();
});

type StatsEntry = { node: string; "connections.count": number; "live_connections.count": number };

async function perNode(): Promise<Record<string, number>> {
  const stats = (await (await t.call(t.ips[0] as string, "/api/v5/stats")).json()) as StatsEntry[];
  return Object.fromEntries(stats.map((s) => [s.node, s["live_connections.count"]]));
}

async function monitorCurrent(): Promise<{ connections: number; live_connections: number }> {
  return (await (await t.call(t.ips[1] as string, "/api/v5/monitor_current")).json()) as {
    connections: number;
    live_connections: number;
  };
}

async function rebalances(): Promise<Record<string, unknown>[]> {
  const body = (await (await t.call(t.ips[0] as string, "/api/v5/load_rebalance/global_status")).json()) as {
    rebalances: Record<string, unknown>[];
  };
  return body.rebalances;
}

describe("Emulated load curve", () => {
  it("follows the curve's steps on the replicants only, in /stats and /monitor_current", async () => {
    await admin.setLoadCurve(cluster, [
      { afterMs: 0, connections: 3000 },
      { afterMs: 10_000, connections: 9001 },
      { afterMs: 20_000, connections: 600 },
    ]);
    const first = await perNode();
    expect(t.replicantNames.map((n) => first[n])).toEqual([1000, 1000, 1000]);
    expect(t.coreNames.map((n) => first[n])).toEqual([0, 0]);
    now += 10_000;
    expect(await monitorCurrent()).toMatchObject({ connections: 9001, live_connections: 9001 });
    const second = await perNode();
    expect(t.replicantNames.map((n) => second[n]).sort()).toEqual([3000, 3000, 3001]);
    now += 10_000;
    const third = await perNode();
    expect(t.replicantNames.reduce((s, n) => s + (third[n] ?? 0), 0)).toBe(600);
    expect(t.replicantNames.every((n) => (third[n] ?? 0) >= 199 && (third[n] ?? 0) <= 201)).toBe(true);
  });

  it("reports the curve's messages per second as the message rates of /monitor_current", async () => {
    await admin.setLoadCurve(cluster, [
      { afterMs: 0, connections: 3000, messagesPerSecond: 1200 },
      { afterMs: 10_000, connections: 3000 },
    ]);
    const busy = (await monitorCurrent()) as unknown as Record<string, number>;
    expect(busy).toMatchObject({ received_msg_rate: 1200, sent_msg_rate: 1200, dropped_msg_rate: 0 });
    now += 10_000;
    expect(((await monitorCurrent()) as unknown as Record<string, number>).received_msg_rate).toBe(0);
  });

  it("refuses a rebalance when the nodes are balanced (nothing_to_balance)", async () => {
    const res = await t.call(t.ips[0] as string, `/api/v5/load_rebalance/${t.coreNames[0]}/start`, {
      method: "POST",
      body: JSON.stringify({ nodes: t.replicantNames }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: "BAD_REQUEST",
      message: `error on node '${t.coreNames[0]}': nothing_to_balance`,
    });
  });

  it("moves connections from donors to a new replicant, then leaves global_status", async () => {
    const [a, b, c] = t.replicantNames as [string, string, string];
    await admin.setLoadCurve(cluster, []);
    await admin.setConnections("default/emqx-replicant-abc-r1", 6000);
    await admin.setConnections("default/emqx-replicant-abc-r2", 6000);
    await admin.setConnections("default/emqx-replicant-abc-r3", 0);
    const body = {
      conn_evict_rate: 1000,
      sess_evict_rate: 1000,
      wait_takeover: 5,
      wait_health_check: 5,
      abs_conn_threshold: 100,
      rel_conn_threshold: 1.1,
      nodes: [a, b, c],
    };
    const coordinator = t.coreNames[0] as string;
    const start = await t.call(t.ips[0] as string, `/api/v5/load_rebalance/${coordinator}/start`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    expect(start.status).toBe(200);
    expect(await rebalances()).toEqual([
      expect.objectContaining({
        node: coordinator,
        coordinator_node: coordinator,
        state: "wait_health_check",
        donors: [a, b],
        recipients: [c],
        connection_goal: 4000,
      }),
    ]);
    now += 6_000;
    expect((await rebalances())[0]).toMatchObject({ state: "evicting_conns" });
    expect(await perNode()).toMatchObject({ [a]: 5000, [b]: 5000, [c]: 2000 });
    now += 2_000;
    expect((await rebalances())[0]).toMatchObject({ state: "wait_takeover" });
    expect(await perNode()).toMatchObject({ [a]: 4000, [b]: 4000, [c]: 4000 });
    now += 5_000;
    expect(await rebalances()).toEqual([]);
    const stop = await t.call(t.ips[0] as string, `/api/v5/load_rebalance/${coordinator}/stop`, {
      method: "POST",
    });
    expect(await stop.json()).toEqual({
      code: "BAD_REQUEST",
      message: `error on node '${coordinator}': not_started`,
    });
  });

  it("validates the admin body", async () => {
    await expect(admin.setLoadCurve(cluster, [{ afterMs: -1, connections: 1 }])).rejects.toThrow(/400/);
  });
});
