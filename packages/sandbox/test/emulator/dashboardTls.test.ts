/**
 * The emulator's https dashboard: served over TLS with the certificate the pod's config names, only where the
 * config enables it, and no plain http listener when the config turns that off.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCa, generateServingCertificate, type PemPair } from "../../src/certs.ts";
import { secretFileOf } from "../../src/emulator/dashboardListeners.ts";
import { Emulator } from "../../src/emulator/index.ts";
import { BOOTSTRAP_KEYS, buildPod, OPERATOR_AUTH } from "./pods.ts";

const SERVICE_NAME = "emqx-dashboard.default.svc";
const HTTPS_ONLY = `dashboard.listeners.http.bind = 0
dashboard.listeners.https {
  bind = 18084
  ssl_options { certfile = "/mounted/cert/tls.crt", keyfile = "/mounted/cert/tls.key" }
}
`;

let dir: string;
let ca: PemPair;
let served: PemPair;
let emulator: Emulator;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "emulator-tls-"));
  ca = await generateCa(dir, "user-ca", "user-ca");
  served = await generateServingCertificate(dir, "user-ca", "dashboard", [`DNS:${SERVICE_NAME}`]);
  emulator = await Emulator.start({ log: () => undefined });
});

afterAll(async () => {
  await emulator?.stop();
  await rm(dir, { recursive: true, force: true });
});

function podWithEnv(name: string, ip: string, env: Record<string, string>): V1Pod {
  const pod = buildPod({ name, ip, role: "core", cluster: name });
  const container = pod.spec?.containers[0];
  for (const [k, value] of Object.entries(env)) container?.env?.unshift({ name: k, value });
  return pod;
}

async function get(url: string, agent?: Agent): Promise<{ status: number; body: string }> {
  const res = await request(url, {
    headers: { authorization: OPERATOR_AUTH },
    ...(agent ? { dispatcher: agent } : {}),
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.statusCode, body: await res.body.text() };
}

describe("https dashboard listener", () => {
  it("serves the API over TLS with the user's certificate and no http listener when http.bind is 0", async () => {
    const pod = podWithEnv("tls-a", "127.0.61.1", { EMQX_DASHBOARD__LISTENERS__HTTPS__BIND: "18084" });
    await emulator.applyPod(pod, {
      bootstrapKeys: BOOTSTRAP_KEYS,
      configText: HTTPS_ONLY,
      dashboardTls: served,
    });
    expect(emulator.addresses()["default/tls-a"]).toBe("https://127.0.61.1:18084");
    const trusting = new Agent({ connect: { ca: ca.cert, servername: SERVICE_NAME } });
    const res = await get("https://127.0.61.1:18084/api/v5/nodes", trusting);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual([expect.objectContaining({ node_status: "running", role: "core" })]);
    await expect(get("http://127.0.61.1:18083/api/v5/nodes")).rejects.toThrow(/ECONNREFUSED|fetch failed/);
    await expect(get("https://127.0.61.1:18084/api/v5/nodes", new Agent())).rejects.toThrow(
      /certificate|self.signed|issuer/i,
    );
    await trusting.close();
  });

  it("turns http off with enable = false even when the bind variable is set, and keeps both when both are on", async () => {
    const off = podWithEnv("tls-b", "127.0.61.2", {
      EMQX_DASHBOARD__LISTENERS__HTTP__BIND: "18083",
      EMQX_DASHBOARD__LISTENERS__HTTPS__BIND: "18084",
    });
    const both = podWithEnv("tls-c", "127.0.61.3", {
      EMQX_DASHBOARD__LISTENERS__HTTP__BIND: "18083",
      EMQX_DASHBOARD__LISTENERS__HTTPS__BIND: "18084",
    });
    const tlsBlock = HTTPS_ONLY.replace("dashboard.listeners.http.bind = 0\n", "");
    await emulator.applyPod(off, {
      bootstrapKeys: BOOTSTRAP_KEYS,
      configText: `dashboard.listeners.http.enable = false\n${tlsBlock}`,
      dashboardTls: served,
    });
    await emulator.applyPod(both, {
      bootstrapKeys: BOOTSTRAP_KEYS,
      configText: tlsBlock,
      dashboardTls: served,
    });
    expect(emulator.addresses()["default/tls-b"]).toBe("https://127.0.61.2:18084");
    expect(emulator.addresses()["default/tls-c"]).toBe("127.0.61.3:18083,https://127.0.61.3:18084");
    expect((await get("http://127.0.61.3:18083/api/v5/nodes")).status).toBe(200);
  });

  it("does not start https without a certificate, nor when https is disabled", async () => {
    const noCert = podWithEnv("tls-d", "127.0.61.4", { EMQX_DASHBOARD__LISTENERS__HTTPS__BIND: "18084" });
    await emulator.applyPod(noCert, { bootstrapKeys: BOOTSTRAP_KEYS, configText: HTTPS_ONLY });
    const disabled = podWithEnv("tls-e", "127.0.61.5", {});
    await emulator.applyPod(disabled, {
      bootstrapKeys: BOOTSTRAP_KEYS,
      configText: "dashboard.listeners.https { enable = false, bind = 18084 }",
      dashboardTls: served,
    });
    expect(emulator.addresses()["default/tls-d"]).toBeUndefined();
    expect(emulator.addresses()["default/tls-e"]).toBe("127.0.61.5:18083");
  });
});

describe("secretFileOf", () => {
  const pod: V1Pod = {
    spec: {
      containers: [
        {
          name: "emqx",
          volumeMounts: [
            { name: "cert", mountPath: "/mounted/cert/" },
            { name: "mapped", mountPath: "/mounted/mapped" },
            { name: "single", mountPath: "/etc/key.pem", subPath: "tls.key" },
            { name: "conf", mountPath: "/mounted/conf" },
          ],
        },
      ],
      volumes: [
        { name: "cert", secret: { secretName: "user-cert" } },
        { name: "mapped", secret: { secretName: "other", items: [{ key: "tls.crt", path: "server.pem" }] } },
        { name: "single", secret: { secretName: "keys" } },
        { name: "conf", configMap: { name: "cm" } },
      ],
    },
  };

  it("follows mounts to the Secret key, with items and subPath", () => {
    expect(secretFileOf(pod, "/mounted/cert/tls.crt")).toEqual({ secretName: "user-cert", key: "tls.crt" });
    expect(secretFileOf(pod, "/mounted/mapped/server.pem")).toEqual({ secretName: "other", key: "tls.crt" });
    expect(secretFileOf(pod, "/mounted/mapped/ca.crt")).toBeUndefined();
    expect(secretFileOf(pod, "/etc/key.pem")).toEqual({ secretName: "keys", key: "tls.key" });
    expect(secretFileOf(pod, "/mounted/conf/tls.crt")).toBeUndefined();
    expect(secretFileOf(pod, "/opt/emqx/etc/certs/cert.pem")).toBeUndefined();
  });
});
