import { defaultLabels } from "@emqx-reconciler/api";
import type { V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BasicCredential,
  EmqxApiClient,
  EmqxApiError,
  type KubeGateway,
  type Wire,
} from "../../src/index.ts";
import { freshNamespace, sandboxGateway } from "../kube/cluster.ts";

let gw: KubeGateway;
let ns: string;
let podIP: string;
let credential: BasicCredential;

/** Polls until `read` returns a value (the sandbox's kwok and emulator act asynchronously). */
async function eventually<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  gw = await sandboxGateway();
  ns = await freshNamespace(gw, "emu");
  await gw.createIfAbsent({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "emu-bootstrap-api-key", namespace: ns, labels: defaultLabels("emu") },
    stringData: { bootstrap_api_key: "emqx-operator-controller:emulator-pw" },
  });
  await gw.apply({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "emu-core-0",
      namespace: ns,
      labels: { ...defaultLabels("emu"), "apps.emqx.io/db-role": "core" },
    },
    spec: {
      containers: [
        { name: "emqx", image: "emqx/emqx:6.0.1", env: [{ name: "EMQX_NODE__ROLE", value: "core" }] },
      ],
    },
  });
  podIP = await eventually(async () => {
    const pod = (await gw.get("Pod", ns, "emu-core-0")) as Wire<V1Pod> | undefined;
    return pod?.status?.phase === "Running" ? pod.status.podIP : undefined;
  }, "the pod to run");
  credential = (await gw.readBootstrapCredential(ns, "emu")) as BasicCredential;
});
afterAll(() => gw?.close());

describe("EmqxApiClient against the sandbox's EMQX emulator", () => {
  it("lists the emulated node over the pod's IP with the bootstrap key the gateway read", async () => {
    const client = new EmqxApiClient({
      endpoint: { mode: "pod-ip", scheme: "http", port: 18083, podIPs: [podIP] },
      credential,
    });
    const nodes = await eventually(() => client.listNodes(), "the emulated node");
    expect(nodes).toMatchObject([
      { node: `emqx@${podIP}`, node_status: "running", role: "core", version: "6.0.1" },
    ]);
    expect(await client.availabilityCheck(podIP)).toBe("ok");
  });

  it("is refused with a wrong key, as EMQX refuses it", async () => {
    const client = new EmqxApiClient({
      endpoint: { mode: "url", url: `http://${podIP}:18083` },
      credential: { username: credential.username, password: "wrong" },
    });
    const err = await client.listNodes().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmqxApiError);
    expect([(err as EmqxApiError).kind, (err as EmqxApiError).code]).toEqual([
      "unauthorized",
      "BAD_API_KEY_OR_SECRET",
    ]);
  });
});
