import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "./harness.ts";
import { basic } from "./pods.ts";

let t: TestCluster;
beforeAll(async () => {
  t = await startTestCluster("127.250.1");
});
afterAll(async () => {
  await t.emulator.stop();
});

type NodeJson = { node: string; node_status: string; role: string; version?: string; uptime?: number };

describe("Emulated EMQX API: nodes", () => {
  it("answers /nodes on every pod IP with the whole cluster: 2 cores by FQDN, 3 replicants by IP", async () => {
    for (const ip of t.ips) {
      const nodes = (await (await t.call(ip, "/api/v5/nodes")).json()) as NodeJson[];
      expect(nodes.map((n) => n.node).sort()).toEqual([...t.coreNames, ...t.replicantNames].sort());
      expect(nodes.every((n) => n.node_status === "running" && n.version === "6.0.1")).toBe(true);
      expect(nodes.filter((n) => n.role === "core")).toHaveLength(2);
    }
  });

  it("derives uptime in milliseconds from the container start time", async () => {
    const node = (await (
      await t.call(t.ips[0] as string, `/api/v5/nodes/${t.coreNames[0]}`)
    ).json()) as NodeJson;
    expect(node.uptime).toBeGreaterThan(Date.now() - Date.parse("2026-01-01T00:00:00Z") - 60_000);
  });

  it("answers 404 NOT_FOUND for an unknown node", async () => {
    const res = await t.call(t.ips[0] as string, "/api/v5/nodes/emqx@nowhere");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: "NOT_FOUND", message: "Node not found: emqx@nowhere" });
  });
});

describe("Emulated EMQX API: auth", () => {
  it("refuses a missing header and a wrong key with 401 and WWW-Authenticate", async () => {
    const missing = await fetch(`http://${t.ips[0]}:18083/api/v5/nodes`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Basic Realm="emqx-dashboard"');
    expect(await missing.json()).toEqual({
      code: "AUTHORIZATION_HEADER_ERROR",
      message: "Support authorization: basic/bearer ",
    });
    const wrong = await t.call(t.ips[2] as string, "/api/v5/nodes", {
      headers: { authorization: basic("emqx-operator-controller", "nope") },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      code: "BAD_API_KEY_OR_SECRET",
      message: "Check api_key/api_secret",
    });
  });

  it("lets a viewer read but not write, and a publisher do neither (403 UNAUTHORIZED_ROLE)", async () => {
    const viewer = { authorization: basic("viewer-key", "viewer-secret") };
    expect((await t.call(t.ips[0] as string, "/api/v5/nodes", { headers: viewer })).status).toBe(200);
    const post = await t.call(
      t.ips[0] as string,
      `/api/v5/load_rebalance/${t.replicantNames[0]}/evacuation/start`,
      {
        method: "POST",
        headers: viewer,
        body: "{}",
      },
    );
    expect(post.status).toBe(403);
    const pub = await t.call(t.ips[0] as string, "/api/v5/nodes", {
      headers: { authorization: basic("pub-key", "pub-secret") },
    });
    expect(pub.status).toBe(403);
    expect(((await pub.json()) as { code: string }).code).toBe("UNAUTHORIZED_ROLE");
  });

  it("serves /status and /api/v5/status without auth, as text with retry-after", async () => {
    for (const path of ["/status", "/api/v5/status"]) {
      const res = await fetch(`http://${t.ips[0]}:18083${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("retry-after")).toBe("15");
      expect(await res.text()).toBe(`Node ${t.coreNames[0]} is started\nemqx is running`);
    }
  });

  it("logs in with the dashboard default user and accepts the bearer token", async () => {
    const login = await fetch(`http://${t.ips[1]}:18083/api/v5/login`, {
      method: "POST",
      body: JSON.stringify({ username: "admin", password: "public" }),
    });
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`http://${t.ips[3]}:18083/api/v5/nodes`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const bad = await fetch(`http://${t.ips[3]}:18083/api/v5/nodes`, {
      headers: { authorization: "Bearer nope" },
    });
    expect(((await bad.json()) as { code: string }).code).toBe("BAD_TOKEN");
  });
});

describe("Emulated EMQX API: routing", () => {
  it("answers unknown paths with the Accept-dependent 404 and wrong methods with an empty 405", async () => {
    const json = await t.call(t.ips[0] as string, "/api/v5/no_such_thing");
    expect(await json.json()).toEqual({ code: "NOT_FOUND", message: "Request Path Not Found" });
    const text = await t.call(t.ips[0] as string, "/api/v5/no_such_thing", {
      headers: { accept: "text/plain" },
    });
    expect(await text.text()).toBe("404 - NOT FOUND");
    const wrong = await t.call(t.ips[0] as string, "/api/v5/nodes", { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
    expect(await wrong.text()).toBe("");
  });
});

describe("Emulated EMQX API: stats", () => {
  it("sums per-node counters (cluster_sessions N-fold) but takes cluster-wide keys from the answering node", async () => {
    await t.emulator.emqx.setConnections("default/emqx-replicant-abc-r1", 7);
    const agg = (await (await t.call(t.ips[0] as string, "/api/v5/stats?aggregate=true")).json()) as Record<
      string,
      number
    >;
    expect(agg["connections.count"]).toBe(7);
    expect(agg["cluster_sessions.count"]).toBe(5 * 7);
    const perNode = (await (await t.call(t.ips[0] as string, "/api/v5/stats")).json()) as { node: string }[];
    expect(perNode).toHaveLength(5);
    await t.emulator.emqx.setConnections("default/emqx-replicant-abc-r1", 0);
  });
});

describe("Emulated EMQX API: configs", () => {
  it("returns the ConfigMap config as HOCON text, JSON on request, and applies PUT merge and replace", async () => {
    const text = await (
      await t.call(t.ips[0] as string, "/api/v5/configs", { headers: { accept: "text/plain" } })
    ).text();
    expect(text).toContain("bind = 18083");
    expect(text).not.toContain("sekrit");
    const put = await t.call(t.ips[2] as string, "/api/v5/configs?mode=merge&ignore_readonly=true", {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: 'listeners.tcp.default.bind = 11883\nnode.cookie = "x"\nlog.console.level = debug',
    });
    expect(put.status).toBe(200);
    const json = (await (await t.call(t.ips[1] as string, "/api/v5/configs")).json()) as { log: unknown };
    expect(json.log).toEqual({ console: { level: "debug" } });
    const merged = await (
      await t.call(t.ips[0] as string, "/api/v5/configs?key=listeners", { headers: { accept: "text/plain" } })
    ).text();
    expect(merged).toContain("bind = 11883");
    expect(merged).toContain("bind = 8883");
    await t.call(t.ips[0] as string, "/api/v5/configs?mode=replace", {
      method: "PUT",
      body: "listeners.tcp.default.bind = 1883",
    });
    const replaced = await (
      await t.call(t.ips[0] as string, "/api/v5/configs?key=listeners", { headers: { accept: "text/plain" } })
    ).text();
    expect(replaced).not.toContain("8883");
  });

  it("refuses read-only roots without ignore_readonly and HOCON that does not parse (400, errors in text/plain)", async () => {
    const readonly = await t.call(t.ips[0] as string, "/api/v5/configs", {
      method: "PUT",
      body: "node.cookie = x",
    });
    expect(readonly.status).toBe(400);
    expect(await readonly.json()).toEqual({ errors: "Cannot update read-only key 'node'." });
    const broken = await t.call(t.ips[0] as string, "/api/v5/configs", { method: "PUT", body: "a = {" });
    expect(broken.status).toBe(400);
    expect(broken.headers.get("content-type")).toBe("text/plain");
  });
});

describe("Emulated EMQX API: evacuation", () => {
  it("starts, reports, refuses a second start with already_started, and stops", async () => {
    const target = t.replicantNames[2] as string;
    await t.emulator.emqx.setConnections("default/emqx-replicant-abc-r3", 13);
    const path = `/api/v5/load_rebalance/${target}/evacuation`;
    const body = JSON.stringify({
      conn_evict_rate: 100,
      sess_evict_rate: 100,
      wait_health_check: 10,
      migrate_to: [t.replicantNames[0]],
    });
    expect((await t.call(t.ips[0] as string, `${path}/start`, { method: "POST", body })).status).toBe(200);
    const again = await t.call(t.ips[1] as string, `${path}/start`, { method: "POST", body });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      code: "BAD_REQUEST",
      message: `error on node '${target}': already_started`,
    });
    const global = (await (
      await t.call(t.ips[0] as string, "/api/v5/load_rebalance/global_status")
    ).json()) as {
      evacuations: { node: string; state: string; stats: { initial_connected: number } }[];
    };
    expect(global.evacuations).toMatchObject([
      { node: target, state: "waiting_health_check", stats: { initial_connected: 13 } },
    ]);
    const check = await fetch(`http://${t.ips[4]}:18083/api/v5/load_rebalance/availability_check`);
    expect(check.status).toBe(503);
    expect(await check.json()).toEqual({ code: "NODE_EVACUATING", message: "Node Evacuating" });
    expect((await fetch(`http://${t.ips[3]}:18083/api/v5/load_rebalance/availability_check`)).status).toBe(
      200,
    );
    expect((await t.call(t.ips[0] as string, `${path}/stop`, { method: "POST" })).status).toBe(200);
    const notStarted = await t.call(t.ips[0] as string, `${path}/stop`, { method: "POST" });
    expect(await notStarted.json()).toEqual({
      code: "BAD_REQUEST",
      message: `error on node '${target}': not_started`,
    });
  });

  it("rejects unknown body fields and unknown recipients", async () => {
    const path = `/api/v5/load_rebalance/${t.replicantNames[1]}/evacuation/start`;
    const unknown = await t.call(t.ips[0] as string, path, {
      method: "POST",
      body: JSON.stringify({ server_reference: "x:1883" }),
    });
    expect(unknown.status).toBe(400);
    const badNode = await t.call(t.ips[0] as string, path, {
      method: "POST",
      body: JSON.stringify({ migrate_to: ["emqx@ghost"] }),
    });
    expect(await badNode.json()).toEqual({
      code: "BAD_REQUEST",
      message: 'Invalid nodes: [<<"emqx@ghost">>]',
    });
  });
});

describe("Emulated EMQX API: membership", () => {
  it("lists a deleted core as stopped with 3 fields, drops a deleted replicant, and 404s /nodes/{stopped}", async () => {
    await t.emulator.deletePod("default/emqx-core-abc-1");
    await t.emulator.deletePod("default/emqx-replicant-abc-r3");
    const nodes = (await (await t.call(t.ips[0] as string, "/api/v5/nodes")).json()) as NodeJson[];
    expect(nodes).toHaveLength(4);
    expect(nodes.find((n) => n.node === t.coreNames[1])).toEqual({
      node: t.coreNames[1],
      node_status: "stopped",
      role: "core",
    });
    expect(nodes.some((n) => n.node === t.replicantNames[2])).toBe(false);
    expect((await t.call(t.ips[0] as string, `/api/v5/nodes/${t.coreNames[1]}`)).status).toBe(404);
    await expect(t.call(t.ips[1] as string, "/status")).rejects.toThrow();
  });

  it("forgets a stopped core on force_leave (204) and refuses to leave self", async () => {
    const res = await t.call(t.ips[0] as string, `/api/v5/cluster/${t.coreNames[1]}/force_leave`, {
      method: "DELETE",
    });
    expect(res.status).toBe(204);
    const nodes = (await (await t.call(t.ips[0] as string, "/api/v5/nodes")).json()) as NodeJson[];
    expect(nodes.map((n) => n.node)).not.toContain(t.coreNames[1]);
    const self = await t.call(t.ips[0] as string, `/api/v5/cluster/${t.coreNames[0]}/force_leave`, {
      method: "DELETE",
    });
    expect(await self.json()).toEqual({ code: "BAD_REQUEST", message: "Can't leave self" });
  });

  it("shows the core running again when its pod comes back", async () => {
    const { buildPod } = await import("./pods.ts");
    await t.emulator.applyPod(
      buildPod({ name: "emqx-core-abc-1", ip: t.ips[1] as string, role: "core", uid: "uid-2" }),
    );
    const nodes = (await (await t.call(t.ips[1] as string, "/api/v5/nodes")).json()) as NodeJson[];
    expect(nodes.find((n) => n.node === t.coreNames[1])?.node_status).toBe("running");
  });
});
