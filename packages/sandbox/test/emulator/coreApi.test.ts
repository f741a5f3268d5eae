import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { keepAliveCoreApi } from "../../src/emulator/coreApi.ts";

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** An apiserver stand-in answering every Secret read; counts the TCP connections it accepted. */
async function countingServer(): Promise<{ url: string; connections: () => number; paths: string[] }> {
  let connections = 0;
  const paths: string[] = [];
  server = createServer((req, res) => {
    paths.push(req.url ?? "");
    const name = (req.url ?? "").split("/").pop();
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name }, data: { k: "dg==" } }));
  });
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections, paths };
}

function kubeConfigFor(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: url, skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return kc;
}

describe("the emulator's apiserver reads", () => {
  it("share keep-alive connections instead of opening one per request", async () => {
    const apiserver = await countingServer();
    const core = keepAliveCoreApi(kubeConfigFor(apiserver.url));
    for (let i = 0; i < 8; i++) {
      const secret = await core.readNamespacedSecret({ name: `s${i}`, namespace: "ns" });
      expect(secret.metadata?.name).toBe(`s${i}`);
    }
    expect(apiserver.paths).toEqual([...Array(8).keys()].map((i) => `/api/v1/namespaces/ns/secrets/s${i}`));
    // undici may open a second connection while the first still finishes a response; never one per request.
    expect(apiserver.connections()).toBeLessThanOrEqual(2);
  });

  it("client-node's own client opens a connection per request (why the emulator does not use it)", async () => {
    const apiserver = await countingServer();
    const core = kubeConfigFor(apiserver.url).makeApiClient(
      (await import("@kubernetes/client-node")).CoreV1Api,
    );
    for (let i = 0; i < 3; i++) await core.readNamespacedSecret({ name: `s${i}`, namespace: "ns" });
    expect(apiserver.connections()).toBe(3);
  });
});
