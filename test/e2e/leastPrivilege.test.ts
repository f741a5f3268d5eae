/**
 * Least privilege, proven on the sandbox's apiserver: the reconciler runs as a ServiceAccount whose only
 * permissions are what `emqx-reconciler rbac --namespace <ns>` prints (the four parts of the reconciler, Secrets
 * and the Lease, all by RoleBindings in the served namespace). The seed example reaches Ready with exactly that,
 * no request of the reconciler is refused on the way, and what the RBAC does not grant is really refused.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isKubeError, KubeGateway, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderRbac } from "../../packages/cli/src/commands/rbac.ts";
import { SEED_SHAPE, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  applySeed,
  closeTestbed,
  freshNamespace,
  kubectl,
  openTestbed,
  type Testbed,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let other: string;
let home: string;
let embedded: EmbeddedReconciler;
let asReconciler: KubeGateway;

/** A kubeconfig file for the sandbox with `token` as the only credential. */
function tokenKubeconfig(token: string): string {
  const admin = loadKubeconfigFile(testbed.sandbox.kubeconfigPath);
  const ca = admin.tls.ca;
  if (!ca) throw new Error("The sandbox kubeconfig has no CA");
  const file = join(mkdtempSync(join(tmpdir(), "emqx-least-privilege-")), "kubeconfig");
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "c",
        cluster: {
          server: testbed.sandbox.apiserverUrl,
          "certificate-authority-data": Buffer.from(ca).toString("base64"),
        },
      },
    ],
    users: [{ name: "u", user: { token } }],
    contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
    "current-context": "c",
  };
  writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
  return file;
}

/** The HTTP status a request made as the reconciler's ServiceAccount ends with (200 when it succeeds). */
async function statusOf(request: () => Promise<unknown>): Promise<number> {
  try {
    await request();
    return 200;
  } catch (error) {
    if (isKubeError(error)) return error.status ?? 0;
    throw error;
  }
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-least-privilege");
  other = await freshNamespace(testbed, "e2e-least-privilege-other");
  home = await freshNamespace(testbed, "e2e-least-privilege-home");
  await kubectl(testbed, ["create", "serviceaccount", "reconciler", "-n", home]);
  await kubectl(
    testbed,
    ["apply", "-f", "-"],
    renderRbac({ group: `system:serviceaccounts:${home}`, namespaces: [ns] }),
  );
  const token = (
    await kubectl(testbed, ["create", "token", "reconciler", "-n", home, "--duration", "2h"])
  ).trim();
  const kubeConfig = loadKubeconfigFile(tokenKubeconfig(token));
  asReconciler = new KubeGateway({ kubeConfig });
  embedded = await startEmbedded(testbed, ns, { kubeConfig });
}, 150_000);

afterAll(async () => {
  await embedded?.stop();
  await asReconciler?.close();
  await testbed?.sandbox.kubectl(["delete", "namespace", other, home, "--wait=false", "--ignore-not-found"]);
  await closeTestbed(testbed, ns);
});

describe("the reconciler with exactly the printed RBAC", () => {
  it("brings the seed example to Ready, with no request refused", { timeout: 150_000 }, async () => {
    await applySeed(testbed, ns);
    await waitForShape(testbed, ns, SEED_SHAPE, undefined, 120_000);
    await embedded.settle();
    const refused = embedded.logs.filter((line) => /forbidden|\b403\b/i.test(JSON.stringify(line)));
    expect(refused).toEqual([]);
  });

  it("is refused what the RBAC does not grant", async () => {
    const secret = { apiVersion: "v1", kind: "Secret", namespace: ns, name: "emqx-node-cookie", uid: "x" };
    // Secrets are create-only, and only in the served namespace; nothing at all elsewhere.
    expect(await statusOf(() => asReconciler.delete(secret))).toBe(403);
    expect(await statusOf(() => asReconciler.list("Secret", {}))).toBe(403);
    expect(await statusOf(() => asReconciler.list("Secret", { namespace: other }))).toBe(403);
    expect(await statusOf(() => asReconciler.list("StatefulSet", { namespace: other }))).toBe(403);
    expect(await statusOf(() => asReconciler.list("EMQX", {}))).toBe(403);
    expect(await statusOf(() => asReconciler.list("Pod", { namespace: "kube-system" }))).toBe(403);
    // No pods are created or deleted by the reconciler itself; their sets do that.
    const pods = await testbed.gateway.list("Pod", { namespace: ns });
    const pod = pods.items[0];
    expect(pod).toBeDefined();
    expect(
      await statusOf(() =>
        asReconciler.delete({
          apiVersion: "v1",
          kind: "Pod",
          namespace: ns,
          name: pod?.metadata?.name ?? "",
          uid: pod?.metadata?.uid ?? "",
        }),
      ),
    ).toBe(403);
    // The reads it needs in its namespace work.
    expect(await statusOf(() => asReconciler.list("StatefulSet", { namespace: ns }))).toBe(200);
  });
});
