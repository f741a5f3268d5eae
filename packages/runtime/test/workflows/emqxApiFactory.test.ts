import { describe, expect, it } from "vitest";
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
