import type { EmqxApiError } from "@emqx-reconciler/adapters";
import { describe, expect, it } from "vitest";
import { CA_READ_TTL_MS, createDashboardTrustPools } from "../../src/workflows/dashboardTrustPools.ts";
import { createEmqxApiFactory } from "../../src/workflows/emqxApiFactory.ts";

function countingKube(exists = true) {
  const calls: string[] = [];
  return {
    calls,
    kube: {
      async readBootstrapCredential(namespace: string, name: string) {
        calls.push(`${namespace}/${name}`);
        return exists ? { username: "emqx-operator-controller", password: "pw" } : undefined;
      },
      async getSecret() {
        return undefined;
      },
    },
  };
}

const target = {
  namespace: "ns",
  name: "emqx",
  listener: { scheme: "http" as const, port: 18083 },
  cores: [{ podName: "emqx-core-0", podIP: "127.0.0.1" }],
};

describe("createEmqxApiFactory", () => {
  it("reads the credential once per Secret version and again after forget (a 401)", async () => {
    const { kube, calls } = countingKube();
    const factory = createEmqxApiFactory({ kube });
    await factory.open({ ...target, credentialVersion: "1" });
    await factory.open({ ...target, credentialVersion: "1" });
    await factory.open(target);
    expect(calls).toEqual(["ns/emqx"]);
    await factory.open({ ...target, credentialVersion: "2" });
    expect(calls).toHaveLength(2);
    factory.forget?.("ns", "emqx");
    await factory.open(target);
    expect(calls).toHaveLength(3);
  });

  it("gives no client while the bootstrap Secret does not exist, and does not cache that", async () => {
    const { kube, calls } = countingKube(false);
    const factory = createEmqxApiFactory({ kube });
    expect(await factory.open(target)).toBeUndefined();
    expect(await factory.open(target)).toBeUndefined();
    expect(calls).toHaveLength(2);
  });
});

describe("https dashboards: the CA the CR trusts", () => {
  const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const https = { ...target, listener: { scheme: "https" as const, port: 18084 } };
  const serverNames = ["emqx-dashboard.ns.svc"];
  const named = (secretName: string, key = "ca.crt") => ({
    ...https,
    tls: { caSource: { secretName, key, origin: "annotation" as const }, serverNames },
  });

  function kubeWith(secrets: Record<string, Record<string, string>>) {
    return {
      async readBootstrapCredential() {
        return { username: "emqx-operator-controller", password: "pw" };
      },
      async getSecret(_namespace: string, name: string) {
        return secrets[name];
      },
    };
  }

  it("refuses to open when the annotation names a missing Secret, key or a non-PEM value", async () => {
    const factory = createEmqxApiFactory({ kube: kubeWith({ corp: { "ca.crt": "not a cert" } }) });
    const kindOf = (t: typeof https) =>
      factory.open(t).then(
        () => "opened",
        (e: EmqxApiError) => `${e.kind}: ${e.message}`,
      );
    expect(await kindOf(named("absent"))).toBe(
      "untrusted-certificate: no trusted CA: Secret ns/absent (named by annotation apps.emqx.io/dashboard-ca-secret) does not exist",
    );
    expect(await kindOf(named("corp", "bundle.pem"))).toContain("has no key bundle.pem");
    expect(await kindOf(named("corp"))).toContain("key ca.crt of Secret ns/corp");
  });

  it("opens with the platform roots when the default Secret has no ca.crt, and with the CA when it has", async () => {
    const factory = createEmqxApiFactory({
      kube: kubeWith({ cert: { "tls.crt": PEM }, withCa: { "ca.crt": PEM } }),
    });
    const mounted = (secretName: string) => ({
      ...https,
      tls: { caSource: { secretName, key: "ca.crt", origin: "certificate-mount" as const }, serverNames },
    });
    expect(await factory.open(mounted("cert"))).toBeDefined();
    expect(await factory.open(mounted("missing"))).toBeDefined();
    expect(await factory.open(mounted("withCa"))).toBeDefined();
  });

  it("keeps one pool per CR while its CA stays the same, and a new one when it changes", async () => {
    const secrets: Record<string, Record<string, string>> = { corp: { "ca.crt": PEM } };
    const pools = createDashboardTrustPools(kubeWith(secrets), 10);
    const first = await pools.poolFor(named("corp"));
    expect(await pools.poolFor(named("corp"))).toBe(first);
    secrets.corp = { "ca.crt": `${PEM}${PEM}` };
    pools.forget("ns", "emqx");
    const second = await pools.poolFor(named("corp"));
    expect(second).not.toBe(first);
    expect(first.closed).toBe(true);
    await second.close();
  });

  it("reads the CA Secret once a minute, again at once after forget, and never keeps a named Secret it could not read", async () => {
    const reads: string[] = [];
    const secrets: Record<string, Record<string, string>> = { corp: { "ca.crt": PEM } };
    const kube = kubeWith(secrets);
    let clock = 0;
    const pools = createDashboardTrustPools(
      {
        getSecret: (namespace, name) => {
          reads.push(name);
          return kube.getSecret(namespace, name);
        },
      },
      10,
      () => clock,
    );
    const pool = await pools.poolFor(named("corp"));
    clock += CA_READ_TTL_MS - 1;
    await pools.poolFor(named("corp"));
    expect(reads).toEqual(["corp"]);
    clock += 1;
    await pools.poolFor(named("corp"));
    expect(reads).toEqual(["corp", "corp"]);
    pools.forget("ns", "emqx");
    await pools.poolFor(named("corp"));
    expect(reads).toEqual(["corp", "corp", "corp"]);
    await expect(pools.poolFor(named("absent"))).rejects.toThrow(/does not exist/);
    await expect(pools.poolFor(named("absent"))).rejects.toThrow(/does not exist/);
    expect(reads.filter((r) => r === "absent")).toHaveLength(2);
    await pool.close();
  });
});
