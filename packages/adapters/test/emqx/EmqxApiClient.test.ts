import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createNodePool, EmqxApiClient, type EmqxApiClientOptions, EmqxApiError } from "../../src/index.ts";
import { json, type SeenRequest, startServer, type TestServer } from "./testServer.ts";

const credential = { username: "emqx-operator-controller", password: "pw-0123456789abcdef" };
const basic = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;

const runningCore = {
  node: "emqx@emqx-core-abc-0.emqx-headless.default.svc.cluster.local",
  node_status: "running",
  role: "core",
  version: "6.0.1",
  edition: "Enterprise",
  otp_release: "27.3.4.2-4/15.2.7.1",
  uptime: 86523417,
  connections: 0,
  live_connections: 0,
  memory_total: "15.58G",
};
const stoppedCore = {
  node: "emqx@emqx-core-abc-1.emqx-headless.default.svc.cluster.local",
  node_status: "stopped",
  role: "core",
};

/** A healthy EMQX stand-in: checks Basic auth like EMQX and answers the endpoints the client uses. */
function emqx(req: SeenRequest, res: import("node:http").ServerResponse): unknown {
  if (req.url.endsWith("/availability_check")) return json(res, 200, {});
  if (req.headers.authorization !== basic) {
    return json(res, 401, { code: "BAD_API_KEY_OR_SECRET", message: "Check api_key/api_secret" });
  }
  if (req.url === "/api/v5/nodes") return json(res, 200, [runningCore, stoppedCore]);
  if (req.url.startsWith("/api/v5/nodes/"))
    return json(res, 404, { code: "NOT_FOUND", message: "Node not found" });
  if (req.url.startsWith("/api/v5/configs") && req.method === "GET") {
    res.writeHead(200, { "content-type": "text/plain" });
    return res.end("node.cookie = secret\n");
  }
  if (req.url.startsWith("/api/v5/configs")) {
    if (req.body.includes("invalid")) return json(res, 400, { code: "BAD_REQUEST", message: "parse error" });
    return json(res, 200, {});
  }
  if (req.url.endsWith("/evacuation/start")) {
    if (req.url.includes("busy"))
      return json(res, 400, { code: "BAD_REQUEST", message: "eviction_agent_busy" });
    return json(res, 400, { code: "BAD_REQUEST", message: "error on node 'emqx@10.0.0.1': already_started" });
  }
  if (req.url.endsWith("/evacuation/stop")) return json(res, 200, {});
  if (req.url.endsWith("/global_status"))
    return json(res, 200, { evacuations: [], purges: [], rebalances: [] });
  json(res, 404, { code: "NOT_FOUND", message: "Request Path Not Found" });
}

let good: TestServer;
let failing: TestServer;
let port: number;
const pool = createNodePool({ keepAliveTimeoutMs: 1000 });

beforeAll(async () => {
  good = await startServer("127.0.0.2", 0, emqx);
  port = good.port;
  failing = await startServer("127.0.0.3", port, (_req, res) =>
    json(res, 503, { code: "SERVICE_UNAVAILABLE" }),
  );
});
afterAll(async () => {
  await Promise.all([good.close(), failing.close(), pool.close()]);
});
afterEach(() => {
  good.handle = emqx;
  good.seen.length = 0;
  failing.seen.length = 0;
});

function client(podIPs: string[], more: Partial<EmqxApiClientOptions> = {}): EmqxApiClient {
  return new EmqxApiClient({
    endpoint: { mode: "pod-ip", scheme: "http", port, podIPs },
    credential,
    pool,
    ...more,
  });
}

async function failure(promise: Promise<unknown>): Promise<EmqxApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EmqxApiError);
  return err as EmqxApiError;
}

describe("EmqxApiClient", () => {
  it("lists nodes with Basic auth and validates them, keeping stopped cores", async () => {
    const nodes = await client(["127.0.0.2"]).listNodes();
    expect(nodes.map((n) => [n.node, n.node_status, n.version])).toEqual([
      [runningCore.node, "running", "6.0.1"],
      [stoppedCore.node, "stopped", undefined],
    ]);
    expect(nodes[0]?.memory_total).toBe("15.58G");
    expect(good.seen[0]?.headers.accept).toBe("application/json");
  });

  it("reports a wrong key as unauthorized with EMQX's code, without the secret in the message", async () => {
    const bad = client(["127.0.0.2"], { credential: { username: credential.username, password: "wrong" } });
    const err = await failure(bad.listNodes());
    expect([err.kind, err.status, err.code]).toEqual(["unauthorized", 401, "BAD_API_KEY_OR_SECRET"]);
    expect(err.message).not.toContain("wrong");
  });

  it("R33 treats a 404 on one node as stopped, as the operator does", async () => {
    const node = await client(["127.0.0.2"]).getNode("emqx@10.0.0.9");
    expect(node).toEqual({ node: "emqx@10.0.0.9", node_status: "stopped" });
    expect(good.seen[0]?.url).toBe("/api/v5/nodes/emqx@10.0.0.9");
  });

  it("R32 fails over from a refusing and a 503 candidate to a healthy one", async () => {
    const nodes = await client(["127.0.0.4", "127.0.0.3", "127.0.0.2"]).listNodes();
    expect(nodes).toHaveLength(2);
    expect(failing.seen).toHaveLength(1);
  });

  it("R32 starts at the rotating index instead of pinning the first pod", async () => {
    await client(["127.0.0.3", "127.0.0.2"], {
      endpoint: { mode: "pod-ip", scheme: "http", port, podIPs: ["127.0.0.3", "127.0.0.2"], start: 1 },
    }).listNodes();
    expect(failing.seen).toHaveLength(0);
    expect(good.seen).toHaveLength(1);
  });

  it("says unavailable, naming each candidate, when all fail", async () => {
    const err = await failure(client(["127.0.0.4", "127.0.0.3"]).listNodes());
    expect(err.kind).toBe("unavailable");
    expect(err.message).toContain("all 2 endpoints failed");
    expect(err.message).toContain("127.0.0.4");
    expect(err.message).toContain("503");
  });

  it("does not fail over on 401 (every node shares the key)", async () => {
    const bad = client(["127.0.0.2", "127.0.0.3"], { credential: { username: "x", password: "y" } });
    expect((await failure(bad.listNodes())).kind).toBe("unauthorized");
    expect(failing.seen).toHaveLength(0);
  });

  it("R29 times out on a server that never answers", async () => {
    good.handle = () => {};
    const started = performance.now();
    const err = await failure(client(["127.0.0.2"], { timeoutMs: 200 }).listNodes());
    expect(err.kind).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("times out on a body that stalls half way", async () => {
    good.handle = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write("[{");
    };
    expect((await failure(client(["127.0.0.2"], { timeoutMs: 200 }).listNodes())).kind).toBe("timeout");
  });

  it("R30 rejects a body over the size bound, declared or streamed", async () => {
    const big = `[${"1,".repeat(600_000)}1]`;
    good.handle = (_req, res) => json(res, 200, JSON.parse(big));
    const declared = await failure(client(["127.0.0.2"], { maxBodyBytes: 1024 * 1024 }).listNodes());
    expect([declared.kind, declared.message]).toEqual(["bad-response", expect.stringContaining("exceeds")]);
    good.handle = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(big);
    };
    const streamed = await failure(client(["127.0.0.2"], { maxBodyBytes: 1024 * 1024 }).listNodes());
    expect(streamed.kind).toBe("bad-response");
  });

  it("R30 rejects garbage, truncated and off-schema bodies as bad-response", async () => {
    good.handle = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("<html>proxy error</html>");
    };
    expect((await failure(client(["127.0.0.2"]).listNodes())).message).toContain("not JSON");
    good.handle = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('[{"node":"emqx@a","node_status":"running"}');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    expect((await failure(client(["127.0.0.2"]).listNodes())).kind).toBe("bad-response");
    good.handle = (_req, res) => json(res, 200, [{ node_status: "running" }]);
    const schema = await failure(client(["127.0.0.2"]).listNodes());
    expect([schema.kind, schema.message]).toEqual(["bad-response", expect.stringContaining("at 0.node")]);
  });

  it("reads and writes the config as text/plain with mode and ignore_readonly", async () => {
    const c = client(["127.0.0.2"]);
    expect(await c.getConfigs()).toBe("node.cookie = secret\n");
    expect(good.seen[0]?.headers.accept).toBe("text/plain");
    await c.putConfigs("listeners.tcp.default.bind = 1884", "merge");
    expect(good.seen[1]).toMatchObject({
      method: "PUT",
      url: "/api/v5/configs?mode=merge&ignore_readonly=true",
      body: "listeners.tcp.default.bind = 1884",
    });
    expect(good.seen[1]?.headers["content-type"]).toBe("text/plain");
    const err = await failure(c.putConfigs("invalid {", "replace"));
    expect([err.kind, err.status, err.code]).toEqual(["rejected", 400, "BAD_REQUEST"]);
  });

  it("treats already_started as a started evacuation and other 400s as rejected", async () => {
    const c = client(["127.0.0.2"]);
    expect(
      await c.startEvacuation("emqx@10.0.0.1", { conn_evict_rate: 10, migrate_to: ["emqx@10.0.0.2"] }),
    ).toBe("already-started");
    expect(JSON.parse(good.seen[0]?.body ?? "")).toEqual({
      conn_evict_rate: 10,
      migrate_to: ["emqx@10.0.0.2"],
    });
    expect((await failure(c.startEvacuation("emqx@busy", {}))).kind).toBe("rejected");
    expect(await c.stopEvacuation("emqx@10.0.0.1")).toBe("stopped");
  });

  it("parses global_status", async () => {
    expect(await client(["127.0.0.2"]).globalStatus()).toMatchObject({ evacuations: [], rebalances: [] });
  });

  it("checks availability on the pod's own IP: ok, unavailable, unknown", async () => {
    const c = client(["127.0.0.2"]);
    expect(await c.availabilityCheck("127.0.0.2")).toBe("ok");
    expect(good.seen[0]?.headers.authorization).toBeUndefined();
    expect(await c.availabilityCheck("127.0.0.3")).toBe("unavailable");
    expect(await c.availabilityCheck("127.0.0.4")).toBe("unknown");
  });

  it("refuses authenticated calls in apiserver-proxy mode instead of sending a key the API server would strip", async () => {
    const c = new EmqxApiClient({
      endpoint: {
        mode: "apiserver-proxy",
        scheme: "http",
        port,
        name: "emqx",
        namespace: "default",
        gateway: undefined as never,
      },
      credential,
    });
    const err = await failure(c.listNodes());
    expect([err.kind, err.message]).toEqual(["unauthorized", expect.stringContaining("#38775")]);
  });
});
