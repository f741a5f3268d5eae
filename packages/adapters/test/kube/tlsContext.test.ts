import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  KubeGateway,
  type KubeObject,
  type KubeTarget,
  kubeTargetFromEndpoint,
  loadKubeconfigFile,
} from "../../src/index.ts";
import { freshNamespace, rejection, sandboxGateway, sandboxKubeconfigPath } from "./cluster.ts";
import { b64, makePki, removeTempDirs } from "./kubeconfig/support.ts";

let gw: KubeGateway;
let ns: string;
let target: KubeTarget;

beforeAll(async () => {
  gw = await sandboxGateway();
  ns = await freshNamespace(gw, "tls-context");
  target = loadKubeconfigFile(await sandboxKubeconfigPath());
});
afterAll(async () => {
  await gw?.close();
  removeTempDirs();
});

const configMap = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns, labels: { "tls-context": "1" } },
  data: { a: "1" },
});

describe("the gateway's TLS context", () => {
  it("is built once per gateway: eight watches over HTTP/1.1 (eight connections) build none of their own", async () => {
    const perConnection = vi.spyOn(tls, "createSecureContext");
    const h1 = new KubeGateway({ kubeConfig: target });
    try {
      const { resourceVersion } = await h1.list("ConfigMap", { namespace: ns, labelSelector: "tls-context" });
      const seen = new Set<number>();
      const handles = Array.from({ length: 8 }, (_, i) =>
        h1.watchKind(
          "ConfigMap",
          { namespace: ns, labelSelector: "tls-context", resourceVersion, timeoutSeconds: 60 },
          (e) => {
            if (e.type === "ADDED") seen.add(i);
          },
        ),
      );
      await gw.apply(configMap("seen-by-all"));
      await expect.poll(() => seen.size, { timeout: 30_000 }).toBe(8);
      expect(h1.stats().byRequest).toMatchObject({ "watch configmaps": 8, "list configmaps": 1 });
      // One: the gateway's own, built on its first https request. tls.connect builds a context from
      // `ca`/`cert`/`key` for each connection only when it is not handed one.
      expect(perConnection).toHaveBeenCalledTimes(1);
      for (const handle of handles) handle.stop();
      for (const handle of handles) expect((await handle.done).reason).toBe("stopped");
    } finally {
      perConnection.mockRestore();
      await h1.close();
    }
  });

  it("still verifies the server: a gateway trusting another CA is refused before any request", async () => {
    const other = makePki();
    const stranger = new KubeGateway({ kubeConfig: { ...target, tls: { ...target.tls, ca: other.caCert } } });
    try {
      const error = await rejection(stranger.list("ConfigMap", { namespace: ns }));
      expect(error.message).toMatch(/UNABLE_TO_VERIFY|certificate/i);
    } finally {
      await stranger.close();
    }
  });
});

describe("the gateway's connections with http2", () => {
  it("multiplex every watch and request of a cluster on one connection when the apiserver speaks HTTP/2", async () => {
    let connections = 0;
    const connected = () => {
      connections += 1;
    };
    subscribe("undici:client:connected", connected);
    const h2 = new KubeGateway({ kubeConfig: target, http2: true });
    try {
      const { resourceVersion } = await h2.list("ConfigMap", { namespace: ns, labelSelector: "tls-context" });
      const handles = Array.from({ length: 8 }, () =>
        h2.watchKind("ConfigMap", { namespace: ns, resourceVersion, timeoutSeconds: 60 }, () => {}),
      );
      const listed = await Promise.all(
        Array.from({ length: 4 }, () =>
          h2.list("ConfigMap", { namespace: ns, labelSelector: "tls-context" }),
        ),
      );
      expect(listed).toHaveLength(4);
      // After a first handshake that asks which protocol the server picks (ALPN), one connection carries all.
      expect(connections).toBe(1);
      for (const handle of handles) handle.stop();
      for (const handle of handles) expect((await handle.done).reason).toBe("stopped");
    } finally {
      unsubscribe("undici:client:connected", connected);
      await h2.close();
    }
  });

  it("keep a pool of connections when the server speaks only HTTP/1.1, so an open watch holds no request back", async () => {
    const pki = makePki();
    const held: Array<() => void> = [];
    const server: Server = createServer({ cert: pki.serverCert, key: pki.serverKey }, (req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      if (req.url?.includes("watch=true")) held.push(() => res.end());
      else res.end(JSON.stringify({ items: [], metadata: { resourceVersion: "7" } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const kubeConfig = kubeTargetFromEndpoint({
      server: `https://127.0.0.1:${port}`,
      caData: b64(pki.caCert),
    });
    const h1 = new KubeGateway({ kubeConfig, http2: true });
    try {
      const watch = h1.watchKind("ConfigMap", { namespace: "a", resourceVersion: "7" }, () => {});
      await expect.poll(() => held.length, { timeout: 10_000 }).toBe(1);
      const listed = await h1.list("ConfigMap", { namespace: "a" });
      expect(listed.resourceVersion).toBe("7");
      watch.stop();
      expect((await watch.done).reason).toBe("stopped");
    } finally {
      for (const end of held) end();
      await h1.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
