import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inClusterTarget, loadDefaultKubeconfig } from "../../../src/index.ts";
import { kubeconfig, removeTempDirs, tempDir, writeYaml } from "./support.ts";

afterAll(removeTempDirs);

const pem = (tag: string) => `-----BEGIN CERTIFICATE-----\n${tag}\n-----END CERTIFICATE-----\n`;

/** A service account folder as the kubelet mounts it. */
function serviceAccount(token: string): string {
  const dir = tempDir();
  writeFileSync(join(dir, "token"), token);
  writeFileSync(join(dir, "ca.crt"), pem("cluster-ca"));
  writeFileSync(join(dir, "namespace"), "emqx-system\n");
  return dir;
}

const IN_POD = { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" };

describe("loadDefaultKubeconfig", () => {
  it("merges the files of $KUBECONFIG as kubectl does: first definition and first current-context win, missing files skipped", async () => {
    // Prepare: a.yaml defines ctx-a, cluster a and user shared, but no current-context; b.yaml redefines all three
    // (ignored), adds ctx-b and user only-b, and names ctx-b current. Each CA path is relative to its own file.
    const dirA = tempDir();
    const dirB = tempDir();
    writeFileSync(join(dirA, "ca.crt"), pem("ca-of-a"));
    writeFileSync(join(dirB, "ca.crt"), pem("ca-of-b"));
    const a = writeYaml(dirA, "a.yaml", {
      clusters: [
        { name: "a", cluster: { server: "https://a.example:6443", "certificate-authority": "ca.crt" } },
      ],
      users: [{ name: "shared", user: { token: "from-a" } }],
      contexts: [{ name: "ctx-a", context: { cluster: "a", user: "shared" } }],
      "current-context": "",
    });
    const b = writeYaml(dirB, "b.yaml", {
      clusters: [
        { name: "a", cluster: { server: "https://shadowed.example" } },
        { name: "b", cluster: { server: "https://b.example:6443", "certificate-authority": "ca.crt" } },
      ],
      users: [
        { name: "shared", user: { token: "from-b" } },
        { name: "only-b", user: { token: "b-token" } },
      ],
      contexts: [
        { name: "ctx-a", context: { cluster: "b", user: "only-b" } },
        { name: "ctx-b", context: { cluster: "b", user: "only-b" } },
      ],
      "current-context": "ctx-b",
    });
    const env = { KUBECONFIG: [join(dirA, "missing.yaml"), a, "", b].join(":") };
    // Act
    const current = loadDefaultKubeconfig(undefined, { env });
    const ctxA = loadDefaultKubeconfig("ctx-a", { env });
    // Assess
    expect(current).toMatchObject({
      name: "ctx-b",
      server: "https://b.example:6443",
      tls: { ca: pem("ca-of-b") },
    });
    expect(await current.auth()).toEqual({ authorization: "Bearer b-token" });
    expect(ctxA).toMatchObject({
      name: "ctx-a",
      server: "https://a.example:6443",
      tls: { ca: pem("ca-of-a") },
    });
    expect(await ctxA.auth()).toEqual({ authorization: "Bearer from-a" });
  });

  it("reads ~/.kube/config only when $KUBECONFIG is unset", () => {
    const home = tempDir();
    mkdirSync(join(home, ".kube"));
    writeYaml(join(home, ".kube"), "config", kubeconfig({ server: "https://home.example" }));
    const other = writeYaml(tempDir(), "other", kubeconfig({ server: "https://env.example" }));
    expect(loadDefaultKubeconfig(undefined, { env: {}, home }).server).toBe("https://home.example");
    expect(loadDefaultKubeconfig(undefined, { env: { KUBECONFIG: other }, home }).server).toBe(
      "https://env.example",
    );
  });

  it("falls back to the in-cluster service account when no kubeconfig defines anything", async () => {
    const home = tempDir();
    const empty = writeYaml(tempDir(), "empty", { apiVersion: "v1", kind: "Config" });
    const target = loadDefaultKubeconfig(undefined, {
      env: { ...IN_POD, KUBECONFIG: empty },
      home,
      serviceAccountDir: serviceAccount("pod-token\n"),
    });
    expect(target).toMatchObject({
      name: "in-cluster",
      server: "https://10.96.0.1:443",
      tls: { ca: pem("cluster-ca") },
      namespace: "emqx-system",
    });
    expect(await target.auth()).toEqual({ authorization: "Bearer pod-token" });
  });

  it("says where it looked when there is no kubeconfig and no service account", () => {
    const home = tempDir();
    const options = { env: {}, home, serviceAccountDir: tempDir() };
    expect(() => loadDefaultKubeconfig(undefined, options)).toThrow(
      `No kubeconfig found: ${join(home, ".kube", "config")} does not exist, and this is not a pod with a service account`,
    );
    expect(() => loadDefaultKubeconfig("prod", { ...options, env: IN_POD })).toThrow(
      'does not exist, so context "prod" is unknown',
    );
  });
});

describe("inClusterTarget", () => {
  it("re-reads the rotated token every minute and at once after the server refused it", async () => {
    // Prepare
    const dir = serviceAccount("one");
    let now = 0;
    const target = inClusterTarget({ env: IN_POD, dir, now: () => now });
    if (!target) throw new Error("expected an in-cluster target");
    // Act + Assess
    const one = await target.auth();
    expect(one).toEqual({ authorization: "Bearer one" });
    writeFileSync(join(dir, "token"), "two");
    now = 30_000;
    expect(await target.auth()).toBe(one);
    now = 61_000;
    const two = await target.auth();
    expect(two).toEqual({ authorization: "Bearer two" });
    writeFileSync(join(dir, "token"), "three");
    expect(await target.auth({ rejected: two })).toEqual({ authorization: "Bearer three" });
  });

  it("brackets an IPv6 service host, and is undefined outside a pod", () => {
    const dir = serviceAccount("t");
    const env = { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "6443" };
    expect(inClusterTarget({ env, dir })?.server).toBe("https://[fd00::1]:6443");
    expect(inClusterTarget({ env: {}, dir })).toBeUndefined();
    expect(inClusterTarget({ env, dir: tempDir() })).toBeUndefined();
  });
});
