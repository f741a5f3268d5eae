/** The live plan's ports carry no write: only reads and the dry-run apply are reachable from them. */
import type { KubeGateway } from "@emqx-reconciler/adapters";
import { describe, expect, it } from "vitest";
import type { EmqxApi, EmqxApiTarget } from "../../src/ports.ts";
import { readOnlyEmqxApi, readOnlyKube } from "../../src/workflows/livePlan.ts";

const TARGET: EmqxApiTarget = {
  namespace: "ns",
  name: "emqx",
  listener: { scheme: "http", port: 18083 },
  cores: [{ podName: "emqx-core-0", podIP: "127.0.0.1" }],
};

describe("readOnlyKube", () => {
  it("offers reads and a dry-run apply, and no method that writes", () => {
    const kube = readOnlyKube({} as KubeGateway);
    expect(Object.keys(kube).sort()).toEqual([
      "dryRunApply",
      "get",
      "getEmqx",
      "getSecret",
      "list",
      "listChildren",
      "listEvents",
      "readBootstrapCredential",
    ]);
  });

  it("sends every apply as a dry run", async () => {
    const calls: unknown[] = [];
    const gateway = {
      apply: async (obj: object, options: unknown) => {
        calls.push(options);
        return obj;
      },
    };
    const kube = readOnlyKube(gateway as unknown as KubeGateway);
    await kube.dryRunApply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "ns" } });
    expect(calls).toEqual([{ dryRun: true }]);
  });
});

describe("readOnlyEmqxApi", () => {
  it("opens clients that can read the EMQX API and nothing else", async () => {
    const client = {
      listNodes: async () => [],
      getConfigs: async () => "",
      globalStatus: async () => ({}),
      availabilityCheck: async () => "ok",
      putConfigs: async () => undefined,
      startEvacuation: async () => undefined,
    } as unknown as EmqxApi;
    const api = await readOnlyEmqxApi({ open: async () => client }).open(TARGET);
    expect(Object.keys(api ?? {}).sort()).toEqual([
      "availabilityCheck",
      "getConfigs",
      "globalStatus",
      "listNodes",
    ]);
    expect(await readOnlyEmqxApi({ open: async () => undefined }).open(TARGET)).toBeUndefined();
  });
});
