/**
 * The emulator on the real sandbox control plane: a StatefulSet of 3 cores and a ReplicaSet of 2 replicants with
 * the operator's pod shape; the emulator (spawned by the launcher) serves every pod IP.
 */
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorAdmin } from "../../src/emulator/index.ts";
import { type Sandbox, sandboxKubeConfig, useTestSandbox } from "../../src/index.ts";
import { BOOTSTRAP_KEYS, basic, CONFIG_TEXT, OPERATOR_AUTH } from "./pods.ts";

const NS = "emulator-it";
let sandbox: Sandbox;
let core: CoreV1Api;

beforeAll(async () => {
  sandbox = await useTestSandbox();
  core = (await sandboxKubeConfig(sandbox.kubeconfigPath)).makeApiClient(CoreV1Api);
  const applied = await sandbox.kubectl(["apply", "-f", "-"], { input: JSON.stringify(buildManifests()) });
  expect(applied.stderr).toBe("");
});

afterAll(async () => {
  await sandbox?.kubectl(["delete", "namespace", NS, "--wait=false"]);
});

type NodeJson = { node: string; node_status: string; role: string };

describe("Emulator on the sandbox", () => {
  it("answers /api/v5/nodes on every pod IP with 3 cores and 2 replicants, pods not Ready until the gate", async () => {
    const pods = await waitFor("5 Running pods with IPs", async () => {
      const list = (await core.listNamespacedPod({ namespace: NS })).items;
      const running = list.filter((p) => p.status?.phase === "Running" && p.status.podIP);
      return running.length === 5 ? running : undefined;
    });
    expect(pods.every((p) => p.status?.podIP?.startsWith("127."))).toBe(true);
    expect(pods.every((p) => p.status?.conditions?.find((c) => c.type === "Ready")?.status !== "True")).toBe(
      true,
    );
    for (const pod of pods) {
      const nodes = await waitFor(`/nodes on ${pod.metadata?.name}`, async () => {
        const res = await fetch(`http://${pod.status?.podIP}:18083/api/v5/nodes`, {
          headers: { authorization: OPERATOR_AUTH },
        }).catch(() => undefined);
        const body = res?.ok ? ((await res.json()) as NodeJson[]) : [];
        return body.length === 5 ? body : undefined;
      });
      expect(
        nodes
          .filter((n) => n.role === "core")
          .map((n) => n.node)
          .sort(),
      ).toEqual([0, 1, 2].map((i) => `emqx@emqx-core-abc-${i}.emqx-headless.${NS}.svc.cluster.local`));
      const replicantIps = pods
        .filter((p) => p.metadata?.labels?.["apps.emqx.io/db-role"] === "replicant")
        .map((p) => `emqx@${p.status?.podIP}`);
      expect(
        nodes
          .filter((n) => n.role === "replicant")
          .map((n) => n.node)
          .sort(),
      ).toEqual(replicantIps.sort());
    }
  });

  it("refuses a wrong key with 401 BAD_API_KEY_OR_SECRET", async () => {
    const ip = await podIp("emqx-core-abc-0");
    const res = await fetch(`http://${ip}:18083/api/v5/nodes`, {
      headers: { authorization: basic("emqx-operator-controller", "wrong") },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe("BAD_API_KEY_OR_SECRET");
  });

  it("applies a fault switch set through the admin API", async () => {
    const admin = new EmulatorAdmin(sandbox.emulatorAdminUrl ?? "");
    await admin.setFault({ namespace: NS, name: "emqx" }, "server-error");
    const ip = await podIp("emqx-core-abc-1");
    expect(
      (await fetch(`http://${ip}:18083/api/v5/nodes`, { headers: { authorization: OPERATOR_AUTH } })).status,
    ).toBe(500);
    await admin.setFault({ namespace: NS, name: "emqx" }, "none");
    expect(
      (await fetch(`http://${ip}:18083/api/v5/nodes`, { headers: { authorization: OPERATOR_AUTH } })).status,
    ).toBe(200);
  });

  it("shows the third core as stopped (3 fields) after scaling the StatefulSet to 2", async () => {
    const gone = await podIp("emqx-core-abc-2");
    const scaled = await sandbox.kubectl(["-n", NS, "scale", "statefulset/emqx-core-abc", "--replicas=2"]);
    expect(scaled.code).toBe(0);
    const ip = await podIp("emqx-core-abc-0");
    const stopped = await waitFor("core-2 reported stopped", async () => {
      const nodes = (await (
        await fetch(`http://${ip}:18083/api/v5/nodes`, { headers: { authorization: OPERATOR_AUTH } })
      ).json()) as NodeJson[];
      return nodes.find((n) => n.node.startsWith("emqx@emqx-core-abc-2.") && n.node_status === "stopped");
    });
    expect(stopped).toEqual({
      node: `emqx@emqx-core-abc-2.emqx-headless.${NS}.svc.cluster.local`,
      node_status: "stopped",
      role: "core",
    });
    await expect(
      fetch(`http://${gone}:18083/status`, { signal: AbortSignal.timeout(2000) }),
    ).rejects.toThrow();
  });
});

async function podIp(name: string): Promise<string> {
  const pod = await core.readNamespacedPod({ name, namespace: NS });
  return pod.status?.podIP ?? "";
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Namespace, bootstrap Secret, ConfigMap, a StatefulSet of 3 cores and a ReplicaSet of 2 replicants. */
function buildManifests() {
  const dns = `emqx-headless.${NS}.svc.cluster.local`;
  const container = (role: "core" | "replicant") => ({
    name: "emqx",
    image: "emqx/emqx:6.0.1",
    ports: [{ name: "dashboard", containerPort: 18083 }],
    env: [
      { name: "EMQX_DASHBOARD__LISTENERS__HTTP__BIND", value: "18083" },
      ...(role === "core"
        ? [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }]
        : []),
      { name: "EMQX_CLUSTER__DISCOVERY_STRATEGY", value: "dns" },
      { name: "EMQX_CLUSTER__DNS__NAME", value: dns },
      role === "core"
        ? { name: "EMQX_HOST", value: "$(POD_NAME).$(EMQX_CLUSTER__DNS__NAME)" }
        : { name: "EMQX_HOST", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      { name: "EMQX_NODE__ROLE", value: role },
      { name: "EMQX_API_KEY__BOOTSTRAP_FILE", value: '"/opt/emqx/data/bootstrap_api_key"' },
    ],
  });
  const template = (role: "core" | "replicant") => ({
    metadata: { labels: { "apps.emqx.io/instance": "emqx", "apps.emqx.io/db-role": role } },
    spec: {
      readinessGates: [{ conditionType: "apps.emqx.io/on-serving" }],
      containers: [container(role)],
      volumes: [
        { name: "bootstrap-api-key", secret: { secretName: "emqx-bootstrap-api-key" } },
        { name: "bootstrap-config", configMap: { name: "emqx-configs" } },
      ],
    },
  });
  const selector = (role: string) => ({
    matchLabels: { "apps.emqx.io/instance": "emqx", "apps.emqx.io/db-role": role },
  });
  return {
    apiVersion: "v1",
    kind: "List",
    items: [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } },
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "emqx-bootstrap-api-key", namespace: NS },
        stringData: { bootstrap_api_key: BOOTSTRAP_KEYS },
      },
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "emqx-configs", namespace: NS },
        data: { "emqx.conf": CONFIG_TEXT },
      },
      {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "emqx-core-abc", namespace: NS },
        spec: {
          replicas: 3,
          serviceName: "emqx-headless",
          podManagementPolicy: "Parallel",
          selector: selector("core"),
          template: template("core"),
        },
      },
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: { name: "emqx-replicant-abc", namespace: NS },
        spec: { replicas: 2, selector: selector("replicant"), template: template("replicant") },
      },
    ],
  };
}
