import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { KubeGateway, type KubeObject, type KubeTarget, loadKubeconfigFile } from "../../src/index.ts";
import { freshNamespace, rejection, sandboxGateway, sandboxKubeconfigPath } from "./cluster.ts";
import { makePki, removeTempDirs } from "./kubeconfig/support.ts";

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
      // tls.connect builds a context from `ca`/`cert`/`key` only when it is not handed one.
      expect(perConnection).not.toHaveBeenCalled();
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
