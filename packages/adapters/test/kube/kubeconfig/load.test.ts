import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeHttp, type KubeTarget, loadKubeconfigFile } from "../../../src/index.ts";
import {
  b64,
  kubeconfig,
  makePki,
  type Pki,
  removeTempDirs,
  startTlsServer,
  type TlsServer,
  tempDir,
  writeYaml,
} from "./support.ts";

let pki: Pki;
let server: TlsServer;
let otherName: TlsServer;

beforeAll(async () => {
  pki = makePki();
  server = await startTlsServer(pki);
  otherName = await startTlsServer(pki, "127.0.0.2");
});
afterAll(async () => {
  await Promise.all([server?.close(), otherName?.close()]);
  removeTempDirs();
});

/** One GET through the gateway's HTTP layer; resolves to what the server saw. */
async function get(target: KubeTarget, tls: TlsServer = server) {
  const http = new KubeHttp({ kubeConfig: target });
  try {
    await http.send({ verb: "get", label: { verb: "GET", resource: "version" }, path: "/version" });
    return tls.seen.at(-1);
  } finally {
    await http.close();
  }
}

describe("loadKubeconfigFile", () => {
  it("reads the CA and client certificate from files relative to the kubeconfig's folder and talks mutual TLS", async () => {
    // Prepare
    const path = writeYaml(
      pki.dir,
      "config",
      kubeconfig(
        { server: server.url, "certificate-authority": "ca.crt" },
        { "client-certificate": "client.crt", "client-key": "client.key" },
      ),
    );
    // Act
    const target = loadKubeconfigFile(path);
    // Assess
    expect(target).toMatchObject({ name: "ctx", server: server.url, namespace: "team" });
    expect(target.tls).toEqual({ ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey });
    expect(await get(target)).toEqual({ clientCn: "alice", authorization: undefined });
  });

  it("prefers the inline *-data fields over file paths, as kubectl does", async () => {
    const path = writeYaml(
      tempDir(),
      "config",
      kubeconfig(
        {
          server: server.url,
          "certificate-authority": "missing.crt",
          "certificate-authority-data": b64(pki.caCert),
        },
        {
          "client-certificate": "missing.crt",
          "client-certificate-data": b64(pki.clientCert),
          "client-key-data": b64(pki.clientKey),
        },
      ),
    );
    expect((await get(loadKubeconfigFile(path)))?.clientCn).toBe("alice");
  });

  it("checks the server certificate against tls-server-name when the address is not in it", async () => {
    const dir = tempDir();
    const cluster = { server: otherName.url, "certificate-authority-data": b64(pki.caCert) };
    const plain = loadKubeconfigFile(writeYaml(dir, "plain", kubeconfig(cluster)));
    const named = loadKubeconfigFile(
      writeYaml(dir, "named", kubeconfig({ ...cluster, "tls-server-name": "kube.internal" })),
    );
    await expect(get(plain, otherName)).rejects.toMatchObject({ name: "KubeError", kind: "retryable" });
    expect(await get(named, otherName)).toEqual({ clientCn: undefined, authorization: undefined });
  });

  it("refuses a server certificate of an unknown CA unless insecure-skip-tls-verify is set", async () => {
    const dir = tempDir();
    const strict = loadKubeconfigFile(writeYaml(dir, "strict", kubeconfig({ server: server.url })));
    const insecure = loadKubeconfigFile(
      writeYaml(dir, "insecure", kubeconfig({ server: server.url, "insecure-skip-tls-verify": true })),
    );
    await expect(get(strict)).rejects.toMatchObject({ name: "KubeError" });
    expect(insecure.tls).toEqual({ insecure: true });
    expect(await get(insecure)).toBeDefined();
  });

  it("sends a static token or HTTP Basic credentials", async () => {
    const dir = tempDir();
    const cluster = { server: server.url, "certificate-authority-data": b64(pki.caCert) };
    const token = loadKubeconfigFile(writeYaml(dir, "token", kubeconfig(cluster, { token: "abc" })));
    const basic = loadKubeconfigFile(
      writeYaml(dir, "basic", kubeconfig(cluster, { username: "admin", password: "pw:1" })),
    );
    expect((await get(token))?.authorization).toBe("Bearer abc");
    expect((await get(basic))?.authorization).toBe(`Basic ${b64("admin:pw:1")}`);
  });

  it("re-reads a tokenFile (relative to the kubeconfig) every minute and after the server refused it", async () => {
    // Prepare
    const dir = tempDir();
    writeFileSync(join(dir, "token"), "first\n");
    let now = 1_000_000;
    const path = writeYaml(
      dir,
      "config",
      kubeconfig({ server: server.url }, { tokenFile: "token", token: "ignored" }),
    );
    const target = loadKubeconfigFile(path, undefined, { now: () => now });
    // Act + Assess
    const first = await target.auth();
    expect(first).toEqual({ authorization: "Bearer first" });
    writeFileSync(join(dir, "token"), "second\n");
    now += 59_000;
    expect(await target.auth()).toBe(first);
    now += 2_000;
    const second = await target.auth();
    expect(second).toEqual({ authorization: "Bearer second" });
    writeFileSync(join(dir, "token"), "third\n");
    expect(await target.auth({ rejected: first })).toBe(second);
    expect(await target.auth({ rejected: second })).toEqual({ authorization: "Bearer third" });
  });

  it("uses the asked context over current-context, and names the known ones when it is unknown", () => {
    const path = writeYaml(tempDir(), "config", {
      ...kubeconfig({ server: "https://a.example:6443" }),
      clusters: [
        { name: "c", cluster: { server: "https://a.example:6443" } },
        { name: "d", cluster: { server: "https://d.example:6443" } },
      ],
      contexts: [
        { name: "ctx", context: { cluster: "c", user: "u" } },
        { name: "other", context: { cluster: "d" } },
      ],
    });
    expect(loadKubeconfigFile(path, "other")).toMatchObject({
      name: "other",
      server: "https://d.example:6443",
    });
    expect(() => loadKubeconfigFile(path, "nope")).toThrow(
      `kubeconfig ${path}: context "nope" not found (known: ctx, other)`,
    );
  });
});

describe("loadKubeconfigFile errors", () => {
  const SECRET = "s3cret-value";
  const SECRET_KEY_PEM = `-----BEGIN PRIVATE KEY-----\n${SECRET}\n-----END PRIVATE KEY-----\n`;
  const cases: Array<[string, unknown, string]> = [
    ["a cluster without server", kubeconfig({}), 'clusters["c"].server: is required'],
    [
      "a server that is not a URL",
      kubeconfig({ server: "kube:6443" }),
      'clusters["c"].server: must be an https:// (or http://) URL',
    ],
    [
      "a proxy-url",
      kubeconfig({ server: "https://k", "proxy-url": "http://proxy:3128" }),
      'clusters["c"].proxy-url: is not supported',
    ],
    [
      "a CA that is not PEM",
      kubeconfig({ server: "https://k", "certificate-authority-data": b64(SECRET) }),
      'clusters["c"].certificate-authority-data: must be base64-encoded PEM',
    ],
    [
      "a CA file that is missing",
      kubeconfig({ server: "https://k", "certificate-authority": "nope.crt" }),
      'clusters["c"].certificate-authority: cannot read ',
    ],
    [
      "an auth provider",
      kubeconfig(
        { server: "https://k" },
        { "auth-provider": { name: "oidc", config: { "id-token": SECRET } } },
      ),
      'users["u"].auth-provider: auth providers are not supported; use an exec plugin',
    ],
    [
      "a key without certificate",
      kubeconfig({ server: "https://k" }, { "client-key-data": b64(SECRET_KEY_PEM) }),
      'users["u"].client-certificate: is required with client-key',
    ],
    [
      "two ways to authenticate",
      kubeconfig({ server: "https://k" }, { token: SECRET, username: "a", password: SECRET }),
      'users["u"]: more than one authentication method (token, username/password)',
    ],
    [
      "impersonation",
      kubeconfig({ server: "https://k" }, { token: SECRET, as: "admin" }),
      'users["u"].as: impersonation is not supported',
    ],
    [
      "a token that is not a string",
      kubeconfig({ server: "https://k" }, { token: 42 }),
      'users["u"].token: must be a string',
    ],
    [
      "a context naming an unknown cluster",
      { ...kubeconfig({ server: "https://k" }), contexts: [{ name: "ctx", context: { cluster: "gone" } }] },
      'contexts["ctx"].cluster: names cluster "gone", which is not defined',
    ],
    [
      "no current-context",
      { ...kubeconfig({ server: "https://k" }), "current-context": undefined },
      "no current-context; name a context (known: ctx)",
    ],
  ];

  it.each(cases)("names the file and the field for %s, never the value", (_, doc, message) => {
    const path = writeYaml(tempDir(), "config", doc);
    const error = (() => {
      try {
        loadKubeconfigFile(path);
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected an error");
    })();
    expect(error.name).toBe("KubeconfigError");
    expect(error.message).toContain(`kubeconfig ${path}: `);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(b64(SECRET));
    expect(error.message).not.toContain(b64(SECRET_KEY_PEM));
  });

  it("reports broken YAML by line and column without quoting it (the line may hold a token)", () => {
    const dir = tempDir();
    const path = join(dir, "config");
    writeFileSync(path, `users:\n- name: u\n  user: { token: ${SECRET}\n`);
    expect(() => loadKubeconfigFile(path)).toThrow(
      /^kubeconfig .*: not valid YAML \(line \d+, column \d+\)$/,
    );
    expect(() => loadKubeconfigFile(join(dir, "absent"))).toThrow(
      `kubeconfig ${join(dir, "absent")}: cannot read (ENOENT)`,
    );
  });
});
