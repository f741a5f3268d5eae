import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EmulatorAdmin, faultCommand } from "../../src/emulator/index.ts";
import { startTestCluster, type TestCluster } from "./harness.ts";

let t: TestCluster;
let admin: EmulatorAdmin;
const cluster = { namespace: "default", name: "emqx" };
beforeAll(async () => {
  t = await startTestCluster("127.250.3");
  admin = new EmulatorAdmin(t.emulator.adminUrl);
});
afterEach(async () => {
  await admin.clearFaults();
});
afterAll(async () => {
  await t.emulator.stop();
});

const core0 = () => t.ips[0] as string;
const core1 = () => t.ips[1] as string;

describe("Fault switches", () => {
  it("unauthorized: every authenticated endpoint of the cluster answers 401, /status still answers", async () => {
    await admin.setFault(cluster, "unauthorized");
    for (const ip of t.ips) {
      const res = await t.call(ip, "/api/v5/nodes");
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        code: "BAD_API_KEY_OR_SECRET",
        message: "Check api_key/api_secret",
      });
    }
    expect((await t.call(core0(), "/status")).status).toBe(200);
  });

  it("server-error on one pod: that pod answers 500 INTERNAL_ERROR, the others answer normally", async () => {
    await admin.setFault({ pod: "default/emqx-core-abc-1" }, "server-error");
    const res = await t.call(core1(), "/api/v5/nodes");
    expect(res.status).toBe(500);
    expect(((await res.json()) as { code: string }).code).toBe("INTERNAL_ERROR");
    expect((await t.call(core0(), "/api/v5/nodes")).status).toBe(200);
  });

  it("hang: the request gets no answer until the switch is cleared, then an ordinary one", async () => {
    await admin.setFault(cluster, "hang");
    await expect(t.call(core0(), "/api/v5/nodes", { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    const pending = t.call(core0(), "/api/v5/nodes");
    let settled = false;
    void pending.finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    await admin.setFault(cluster, "none");
    expect((await pending).status).toBe(200);
  });

  it("slow: the answer comes after the delay", async () => {
    await admin.setFault({ pod: "default/emqx-core-abc-0" }, "slow", 300);
    const started = performance.now();
    const res = await t.call(core0(), "/api/v5/nodes");
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("garbage: 200 with a body that is not JSON", async () => {
    await admin.setFault(cluster, "garbage");
    const res = await t.call(core0(), "/api/v5/nodes");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it("truncated: a JSON body cut in half with an honest Content-Length, so parsing fails", async () => {
    await admin.setFault(cluster, "truncated");
    const res = await t.call(core0(), "/api/v5/nodes");
    const text = await res.text();
    expect(Number(res.headers.get("content-length"))).toBe(Buffer.byteLength(text));
    expect(text.startsWith('[{"node":')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it("node-stopped: the pod's core is listed stopped by everyone, its /status answers 503", async () => {
    await admin.setFault({ pod: "default/emqx-core-abc-1" }, "node-stopped");
    const nodes = (await (await t.call(t.ips[3] as string, "/api/v5/nodes")).json()) as { node: string }[];
    expect(nodes.find((n) => n.node === t.coreNames[1])).toEqual({
      node: t.coreNames[1],
      node_status: "stopped",
      role: "core",
    });
    const status = await t.call(core1(), "/status");
    expect(status.status).toBe(503);
    expect(await status.text()).toBe(`Node ${t.coreNames[1]} is stopped\nemqx is not_running`);
  });

  it("node-stopped on a replicant: it vanishes from the list", async () => {
    await admin.setFault({ pod: "default/emqx-replicant-abc-r2" }, "node-stopped");
    const nodes = (await (await t.call(core0(), "/api/v5/nodes")).json()) as { node: string }[];
    expect(nodes.map((n) => n.node)).not.toContain(t.replicantNames[1]);
    expect(nodes).toHaveLength(4);
  });

  it("a pod switch beats the cluster switch, and 'none' clears only its own target", async () => {
    await admin.setFault(cluster, "server-error");
    await admin.setFault({ pod: "default/emqx-core-abc-0" }, "unauthorized");
    expect((await t.call(core0(), "/api/v5/nodes")).status).toBe(401);
    expect((await t.call(core1(), "/api/v5/nodes")).status).toBe(500);
    await admin.setFault({ pod: "default/emqx-core-abc-0" }, "none");
    expect((await t.call(core0(), "/api/v5/nodes")).status).toBe(500);
    expect(await admin.faults()).toEqual([{ target: cluster, fault: "server-error", delayMs: 2000 }]);
  });
});

describe("Admin API", () => {
  it("rejects a bad fault request naming the field", async () => {
    await expect(admin.setFault(cluster, "explode" as never)).rejects.toThrow(/fault:/);
    await expect(admin.setFault({ pod: "no-slash" }, "hang")).rejects.toThrow(/target/);
  });

  it("counts API requests per path", async () => {
    await admin.resetRequests();
    await t.call(core0(), "/api/v5/nodes");
    await t.call(core1(), "/api/v5/nodes");
    await t.call(core1(), "/status");
    const summary = await admin.requests();
    expect(summary.total).toBe(3);
    expect(summary.byPath).toEqual({ "GET /api/v5/nodes": 2, "GET /status": 1 });
    expect(summary.recent.map((r) => r.pod)).toEqual([
      "default/emqx-core-abc-0",
      "default/emqx-core-abc-1",
      "default/emqx-core-abc-1",
    ]);
  });

  it("dumps clusters with key names but never secrets", async () => {
    await admin.setConnections("default/emqx-replicant-abc-r1", 5);
    const [dump] = await admin.clusters();
    expect(dump?.key).toBe("default/emqx");
    expect(dump?.nodes).toHaveLength(5);
    expect(dump?.nodes.find((n) => n.pod === "default/emqx-replicant-abc-r1")?.connections).toBe(5);
    expect(dump?.apiKeys).toContain("emqx-operator-controller");
    expect(JSON.stringify(dump)).not.toMatch(/s3cr3t|sekrit/);
    await expect(admin.setConnections("default/ghost", 1)).rejects.toThrow(/not a running EMQX node/);
  });
});

describe("faultCommand (CLI verb)", () => {
  it("sets, lists and clears switches", async () => {
    expect(await faultCommand(t.emulator.adminUrl, ["default/emqx", "slow", "--delay-ms", "50"])).toBe(
      "default/emqx\tslow\t50ms",
    );
    expect(await faultCommand(t.emulator.adminUrl, ["pod:default/emqx-core-abc-0", "hang"])).toContain(
      "pod:default/emqx-core-abc-0\thang",
    );
    expect(await faultCommand(t.emulator.adminUrl, ["list"])).toContain("default/emqx\tslow");
    expect(await faultCommand(t.emulator.adminUrl, ["clear"])).toBe("Cleared every fault.");
    expect(await faultCommand(t.emulator.adminUrl, ["list"])).toBe("No faults set.");
  });

  it("explains bad arguments", async () => {
    await expect(faultCommand(t.emulator.adminUrl, ["emqx", "hang"])).rejects.toThrow(/<namespace>\/<name>/);
    await expect(faultCommand(t.emulator.adminUrl, ["default/emqx", "boom"])).rejects.toThrow(
      /must be one of/,
    );
    await expect(
      faultCommand(t.emulator.adminUrl, ["default/emqx", "slow", "--delay-ms", "x"]),
    ).rejects.toThrow(/--delay-ms/);
  });
});
