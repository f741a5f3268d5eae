import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  KubeGateway,
  type KubeObject,
  kubeTargetFromEndpoint,
  loadKubeconfigFile,
  type WatchEvent,
} from "../../src/index.ts";
import { startServer, type TestServer } from "../emqx/testServer.ts";
import { freshNamespace, sandboxGateway, sandboxKubeconfigPath } from "./cluster.ts";

let gw: KubeGateway;
let ns: string;

beforeAll(async () => {
  gw = await sandboxGateway();
  ns = await freshNamespace(gw, "watch");
});
afterAll(() => gw?.close());

function configMap(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns, labels: { w: "1" } }, data };
}

describe("watchKind on the sandbox", () => {
  it("delivers added, modified and deleted in order from the list's resourceVersion, then ends as closed", async () => {
    await gw.apply(configMap("before", { a: "1" }));
    const listed = await gw.list("ConfigMap", { namespace: ns, labelSelector: "w=1" });
    expect(listed.items.map((i) => i.metadata?.name)).toEqual(["before"]);
    const seen: WatchEvent[] = [];
    const handle = gw.watchKind(
      "ConfigMap",
      { namespace: ns, labelSelector: "w=1", resourceVersion: listed.resourceVersion, timeoutSeconds: 2 },
      (e) => seen.push(e),
    );
    const created = await gw.apply(configMap("during", { a: "1" }));
    await gw.apply(configMap("during", { a: "2" }));
    await gw.delete({
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: ns,
      name: "during",
      uid: created.metadata?.uid ?? "",
    });
    const end = await handle.done;
    const changes = seen.filter((e) => e.type !== "BOOKMARK");
    expect(changes.map((e) => [e.type, e.object.metadata?.name, e.object.data])).toEqual([
      ["ADDED", "during", { a: "1" }],
      ["MODIFIED", "during", { a: "2" }],
      ["DELETED", "during", { a: "2" }],
    ]);
    expect(end.reason).toBe("closed");
    expect(BigInt(end.resourceVersion)).toBeGreaterThanOrEqual(
      BigInt(changes[2]?.object.metadata?.resourceVersion ?? "0"),
    );
  });

  it("over HTTP/2, runs several watches and requests at once and delivers each watch its events", async () => {
    const h2 = new KubeGateway({
      kubeConfig: loadKubeconfigFile(await sandboxKubeconfigPath()),
      http2: true,
    });
    try {
      const seen: Record<string, string[]> = { x: [], y: [] };
      const { resourceVersion } = await h2.list("ConfigMap", { namespace: ns, labelSelector: "h2" });
      const handles = ["x", "y"].map((label) =>
        h2.watchKind(
          "ConfigMap",
          { namespace: ns, labelSelector: `h2=${label}`, resourceVersion, timeoutSeconds: 30 },
          (e) => {
            if (e.type !== "BOOKMARK") seen[label]?.push(`${e.type} ${e.object.metadata?.name}`);
          },
        ),
      );
      for (const label of ["x", "y"]) {
        const cm = configMap(`h2-${label}`, { a: "1" });
        cm.metadata = { ...cm.metadata, labels: { h2: label } };
        await h2.apply(cm);
      }
      await expect
        .poll(() => [...(seen.x ?? []), ...(seen.y ?? [])].sort(), { timeout: 20_000 })
        .toEqual(["ADDED h2-x", "ADDED h2-y"]);
      const listed = await h2.list("ConfigMap", { namespace: ns, labelSelector: "h2" });
      expect(listed.items.map((i) => i.metadata?.name).sort()).toEqual(["h2-x", "h2-y"]);
      for (const handle of handles) handle.stop();
      for (const handle of handles) expect((await handle.done).reason).toBe("stopped");
    } finally {
      await h2.close();
    }
  });

  it("ends as stopped when asked, and counts the watch as one read", async () => {
    gw.resetStats();
    const handle = gw.watchKind("ConfigMap", { namespace: ns, resourceVersion: "" }, () => {});
    await new Promise((r) => setTimeout(r, 100));
    handle.stop();
    expect((await handle.done).reason).toBe("stopped");
    expect(gw.stats()).toMatchObject({ reads: 1, writes: 0, byRequest: { "watch configmaps": 1 } });
  });
});

describe("watchKind against a scripted server", () => {
  let server: TestServer;
  let fake: KubeGateway;
  beforeAll(async () => {
    server = await startServer("127.0.0.1", 0, () => {});
    fake = new KubeGateway({
      kubeConfig: kubeTargetFromEndpoint({
        server: `http://127.0.0.1:${server.port}`,
        skipTLSVerify: true,
        token: "t",
      }),
    });
  });
  afterAll(async () => {
    await fake.close();
    await server.close();
  });

  const bookmark = JSON.stringify({
    type: "BOOKMARK",
    object: { kind: "ConfigMap", metadata: { resourceVersion: "41" } },
  });

  it("reports 410 in an ERROR event as gone, after the events before it", async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(`${bookmark}\n`);
      res.end(
        `${JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } })}\n`,
      );
    };
    const types: string[] = [];
    const end = await fake.watchKind("Pod", { resourceVersion: "7" }, (e) => types.push(e.type)).done;
    expect([types, end]).toEqual([["BOOKMARK"], { reason: "gone", resourceVersion: "41" }]);
    expect(server.seen.at(-1)?.url).toContain("allowWatchBookmarks=true");
  });

  it("reports an HTTP 410 as gone and another failure as error", async () => {
    server.handle = (_req, res) => {
      res.writeHead(410, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", code: 410, reason: "Gone" }));
    };
    expect((await fake.watchKind("Pod", { resourceVersion: "7" }, () => {}).done).reason).toBe("gone");
    server.handle = (_req, res) => {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", code: 503, reason: "ServiceUnavailable" }));
    };
    const end = await fake.watchKind("Pod", { resourceVersion: "7" }, () => {}).done;
    expect(end.reason === "error" && end.error.name).toBe("KubeError");
  });

  it("ends a silent connection as idle, keeping the last bookmark's resourceVersion", async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(`${bookmark.slice(0, 20)}`);
      setTimeout(() => res.write(`${bookmark.slice(20)}\n`), 20);
    };
    const end = await fake.watchKind("Pod", { resourceVersion: "7", idleTimeoutMs: 300 }, () => {}).done;
    expect(end).toEqual({ reason: "idle", resourceVersion: "41" });
  });
});
