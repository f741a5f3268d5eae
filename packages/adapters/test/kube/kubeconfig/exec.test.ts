import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeHttp, type KubeTarget, loadKubeconfigFile } from "../../../src/index.ts";
import { json, startServer, type TestServer } from "../../emqx/testServer.ts";
import { b64, kubeconfig, makePki, removeTempDirs, startTlsServer, tempDir, writeYaml } from "./support.ts";

/**
 * A credential plugin as small as it gets: counts its runs, records its arguments and KUBERNETES_EXEC_INFO, and
 * prints `$CREDENTIAL_FILE` if set, else an ExecCredential with the token `tok-<run>` (expiring at `$EXPIRES`).
 */
const PLUGIN = `#!/bin/sh
n=$(( $(cat "$STATE/runs" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$STATE/runs"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$STATE/info"
printf '%s ' "$@" > "$STATE/args"
if [ -n "$FAIL" ]; then echo "starting" >&2; echo "Unable to locate credentials" >&2; exit 3; fi
if [ -n "$CREDENTIAL_FILE" ]; then cat "$CREDENTIAL_FILE"; exit 0; fi
expiry=""
if [ -n "$EXPIRES" ]; then expiry=",\\"expirationTimestamp\\":\\"$EXPIRES\\""; fi
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"tok-%s"%s}}' "\${OUT_VERSION:-client.authentication.k8s.io/v1}" "$n" "$expiry"
`;

const V1 = "client.authentication.k8s.io/v1";

interface Plugin {
  target: KubeTarget;
  path: string;
  runs(): number;
  info(): unknown;
  args(): string;
}

/**
 * A kubeconfig in a fresh folder whose user runs `bin/plugin.sh` (a relative command, resolved against the
 * kubeconfig's folder) with `env`; `exec` overrides stanza fields.
 */
function withPlugin(
  server: string,
  env: Record<string, string> = {},
  options: { exec?: Record<string, unknown>; now?: () => number; cluster?: Record<string, unknown> } = {},
): Plugin {
  const dir = tempDir();
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "plugin.sh"), PLUGIN);
  chmodSync(join(dir, "bin", "plugin.sh"), 0o755);
  const exec = {
    apiVersion: V1,
    command: "bin/plugin.sh",
    args: ["eks", "get-token", "--cluster-name", "prod"],
    env: Object.entries({ STATE: dir, ...env }).map(([name, value]) => ({ name, value })),
    installHint: "install the plugin",
    interactiveMode: "Never",
    ...options.exec,
  };
  const path = writeYaml(dir, "config", kubeconfig({ server, ...options.cluster }, { exec }));
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return {
    target: loadKubeconfigFile(path, undefined, { now: options.now }),
    path,
    runs: () => Number(read("runs")),
    info: () => JSON.parse(read("info")),
    args: () => read("args").trim(),
  };
}

let server: TestServer;
beforeAll(async () => {
  // A scripted API server: the first token a plugin hands out is refused, later ones are accepted.
  server = await startServer("127.0.0.1", 0, (req, res) =>
    req.headers.authorization === "Bearer tok-1"
      ? json(res, 401, { reason: "Unauthorized" })
      : json(res, 200, {}),
  );
});
afterAll(async () => {
  await server?.close();
  removeTempDirs();
});

describe("exec credential plugins", () => {
  it("runs the plugin once for concurrent callers and caches its token until a minute before it expires", async () => {
    // Prepare
    let now = Date.parse("2030-01-01T00:00:00Z");
    const plugin = withPlugin("https://k.example", { EXPIRES: "2030-01-01T00:10:00Z" }, { now: () => now });
    // Act + Assess
    const first = await Promise.all([plugin.target.auth(), plugin.target.auth(), plugin.target.auth()]);
    expect(first).toEqual(Array(3).fill({ authorization: "Bearer tok-1" }));
    expect(plugin.runs()).toBe(1);
    now += 8 * 60_000;
    expect(await plugin.target.auth()).toEqual({ authorization: "Bearer tok-1" });
    expect(plugin.runs()).toBe(1);
    now += 90_000; // 9.5 minutes in: inside the one-minute margin
    expect(await plugin.target.auth()).toEqual({ authorization: "Bearer tok-2" });
    expect(plugin.runs()).toBe(2);
  });

  it("runs the plugin again after a 401, once for many refused requests, and retries them", async () => {
    // Prepare
    const plugin = withPlugin(`http://127.0.0.1:${server.port}`);
    const http = new KubeHttp({ kubeConfig: plugin.target });
    const get = () =>
      http.send({ verb: "get", label: { verb: "GET", resource: "pods" }, path: "/api/v1/pods" });
    server.seen.length = 0;
    // Act
    const answers = await Promise.all([get(), get(), get(), get(), get()]);
    await get();
    await http.close();
    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(plugin.runs()).toBe(2);
    const tokens = server.seen.map((r) => r.headers.authorization);
    expect(tokens.filter((t) => t === "Bearer tok-1")).toHaveLength(5);
    expect(tokens.filter((t) => t === "Bearer tok-2")).toHaveLength(6);
  });

  it("passes args, env and KUBERNETES_EXEC_INFO (with the cluster when provideClusterInfo is set)", async () => {
    const ca = `-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n`;
    const plain = withPlugin("https://k.example:6443");
    const withCluster = withPlugin(
      "https://k.example:6443",
      {},
      { exec: { provideClusterInfo: true }, cluster: { "certificate-authority-data": b64(ca) } },
    );
    await plain.target.auth();
    await withCluster.target.auth();
    expect(plain.args()).toBe("eks get-token --cluster-name prod");
    expect(plain.info()).toEqual({ apiVersion: V1, kind: "ExecCredential", spec: { interactive: false } });
    expect(withCluster.info()).toEqual({
      apiVersion: V1,
      kind: "ExecCredential",
      spec: {
        interactive: false,
        cluster: { server: "https://k.example:6443", "certificate-authority-data": b64(ca) },
      },
    });
  });

  it("speaks v1beta1 too, and uses a client certificate the plugin hands out for mutual TLS", async () => {
    // Prepare
    const pki = makePki();
    const tls = await startTlsServer(pki);
    const credential = join(tempDir(), "credential.json");
    writeFileSync(
      credential,
      JSON.stringify({
        apiVersion: "client.authentication.k8s.io/v1beta1",
        kind: "ExecCredential",
        status: { clientCertificateData: pki.clientCert, clientKeyData: pki.clientKey },
      }),
    );
    const plugin = withPlugin(
      tls.url,
      { CREDENTIAL_FILE: credential },
      {
        exec: { apiVersion: "client.authentication.k8s.io/v1beta1", interactiveMode: undefined },
        cluster: { "certificate-authority-data": b64(pki.caCert) },
      },
    );
    const http = new KubeHttp({ kubeConfig: plugin.target });
    // Act
    try {
      await http.send({ verb: "get", label: { verb: "GET", resource: "version" }, path: "/version" });
    } finally {
      await http.close();
      await tls.close();
    }
    // Assess
    expect(tls.seen).toEqual([{ clientCn: "alice", authorization: undefined }]);
  });

  it("explains a failing, missing or misbehaving plugin by file, user and command — never with the token", async () => {
    const where = (p: Plugin) => `kubeconfig ${p.path}: users["u"].exec`;
    const failing = withPlugin("https://k", { FAIL: "1" });
    await expect(failing.target.auth()).rejects.toThrow(
      `${where(failing)}: "${join(failing.path, "..", "bin", "plugin.sh")}" exited with code 3: Unable to locate credentials; install the plugin`,
    );
    const missing = withPlugin("https://k", {}, { exec: { command: "no-such-plugin-here" } });
    await expect(missing.target.auth()).rejects.toThrow(
      `${where(missing)}: cannot run "no-such-plugin-here" (ENOENT); install the plugin`,
    );
    const wrongVersion = withPlugin("https://k", { OUT_VERSION: "client.authentication.k8s.io/v1beta1" });
    const error = await wrongVersion.target.auth().then(
      () => new Error("expected a rejection"),
      (e: Error) => e,
    );
    expect(error.message).toContain(
      "printed apiVersion client.authentication.k8s.io/v1beta1, expected client.authentication.k8s.io/v1",
    );
    expect(error.message).not.toContain("tok-1");
    // A failed run is not cached: the next request runs the plugin again.
    await expect(failing.target.auth()).rejects.toThrow("exited with code 3");
    expect(failing.runs()).toBe(2);
  });

  it("refuses stanzas it cannot honour when the kubeconfig is loaded", () => {
    expect(() =>
      withPlugin("https://k", {}, { exec: { apiVersion: "client.authentication.k8s.io/v1alpha1" } }),
    ).toThrow(
      'users["u"].exec.apiVersion: must be one of client.authentication.k8s.io/v1, client.authentication.k8s.io/v1beta1',
    );
    expect(() => withPlugin("https://k", {}, { exec: { interactiveMode: "Always" } })).toThrow(
      'users["u"].exec.interactiveMode: Always needs a terminal',
    );
    expect(() => withPlugin("https://k", {}, { exec: { command: "" } })).toThrow(
      'users["u"].exec.command: is required',
    );
  });
});
