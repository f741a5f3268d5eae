/**
 * The sandbox behaves like a cluster where the reconciler can tell: EMQX-like StatefulSets and ReplicaSets get
 * Running pods with loopback IPs that are Ready only while their readiness gate is True, claims bind, and the
 * garbage collector removes pods of a deleted owner.
 */
import { AppsV1Api, CoreV1Api, type V1Pod, type V1PodTemplateSpec } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Sandbox, sandboxKubeConfig, useTestSandbox } from "../src/index.ts";

const NS = "sandbox-workloads";
const GATE = "apps.emqx.io/on-serving";
const POLL = { timeout: 20_000, interval: 100 };

let sandbox: Sandbox;
let core: CoreV1Api;
let apps: AppsV1Api;

function emqxTemplate(role: "core" | "replicant", instance: string): V1PodTemplateSpec {
  return {
    metadata: {
      labels: {
        "apps.emqx.io/instance": instance,
        "apps.emqx.io/db-role": role,
        "apps.emqx.io/managed-by": "test",
      },
    },
    spec: {
      readinessGates: [{ conditionType: GATE }],
      containers: [
        {
          name: "emqx",
          image: "emqx/emqx:5.8.6",
          env: [{ name: "EMQX_NODE__ROLE", value: role }],
          ports: [
            { name: "mqtt", containerPort: 1883 },
            { name: "dashboard", containerPort: 18083 },
          ],
          readinessProbe: { httpGet: { path: "/status", port: 18083 }, periodSeconds: 5 },
        },
      ],
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "DoNotSchedule",
          labelSelector: { matchLabels: { "apps.emqx.io/instance": instance, "apps.emqx.io/db-role": role } },
        },
      ],
    },
  };
}

const selector = (instance: string, role: string) =>
  `apps.emqx.io/instance=${instance},apps.emqx.io/db-role=${role}`;
const listPods = async (instance: string, role: string): Promise<V1Pod[]> =>
  (await core.listNamespacedPod({ namespace: NS, labelSelector: selector(instance, role) })).items;
const condition = (pod: V1Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type)?.status;
const isRunning = (pod: V1Pod) => pod.status?.phase === "Running";

async function setGate(pod: V1Pod, status: "True" | "False"): Promise<void> {
  await sandbox.kubectl([
    "patch",
    "pod",
    pod.metadata?.name as string,
    "-n",
    NS,
    "--subresource=status",
    "--type=strategic",
    "-p",
    JSON.stringify({ status: { conditions: [{ type: GATE, status }] } }),
  ]);
}

beforeAll(async () => {
  sandbox = await useTestSandbox();
  const kubeConfig = await sandboxKubeConfig(sandbox.kubeconfigPath);
  core = kubeConfig.makeApiClient(CoreV1Api);
  apps = kubeConfig.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await vi.waitFor(async () => {
    expect((await core.listNamespacedServiceAccount({ namespace: NS })).items).toHaveLength(1);
  }, POLL);
});

afterAll(async () => {
  await core?.deleteNamespace({ name: NS });
});

describe("EMQX-like pod sets on the sandbox", () => {
  beforeAll(async () => {
    await apps.createNamespacedStatefulSet({
      namespace: NS,
      body: {
        metadata: { name: "emqx-core" },
        spec: {
          replicas: 3,
          serviceName: "emqx-headless",
          podManagementPolicy: "Parallel",
          selector: { matchLabels: { "apps.emqx.io/instance": "emqx", "apps.emqx.io/db-role": "core" } },
          template: emqxTemplate("core", "emqx"),
          volumeClaimTemplates: [
            {
              metadata: { name: "data" },
              spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
            },
          ],
        },
      },
    });
    await apps.createNamespacedReplicaSet({
      namespace: NS,
      body: {
        metadata: { name: "emqx-replicant" },
        spec: {
          replicas: 2,
          selector: { matchLabels: { "apps.emqx.io/instance": "emqx", "apps.emqx.io/db-role": "replicant" } },
          template: emqxTemplate("replicant", "emqx"),
        },
      },
    });
  });

  it("runs every pod with a loopback IP from the sandbox's range, containers ready but the pod not Ready", async () => {
    await expect.poll(async () => (await listPods("emqx", "core")).filter(isRunning).length, POLL).toBe(3);
    await expect
      .poll(async () => (await listPods("emqx", "replicant")).filter(isRunning).length, POLL)
      .toBe(2);
    const pods = [...(await listPods("emqx", "core")), ...(await listPods("emqx", "replicant"))];
    const prefix = sandbox.podCidr.replace(/0\.0\/16$/, "");
    for (const pod of pods) {
      expect(pod.status?.podIP?.startsWith(prefix)).toBe(true);
      expect(pod.status?.hostIP).toBe("127.0.0.1");
      expect(condition(pod, "ContainersReady")).toBe("True");
      expect(condition(pod, "Ready")).toBe("False");
      expect(pod.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    }
    expect(new Set(pods.map((p) => p.status?.podIP)).size).toBe(5);
  });

  it("spreads pods over nodes by hostname (kwok nodes carry the kubelet's labels)", async () => {
    const nodes = (await listPods("emqx", "core")).map((p) => p.spec?.nodeName);
    expect(new Set(nodes).size).toBe(3);
  });

  it("binds the StatefulSet's claims", async () => {
    const claims = await core.listNamespacedPersistentVolumeClaim({ namespace: NS });
    expect(claims.items.map((c) => c.metadata?.name).sort()).toEqual([
      "data-emqx-core-0",
      "data-emqx-core-1",
      "data-emqx-core-2",
    ]);
    for (const claim of claims.items) {
      expect(claim.status?.phase).toBe("Bound");
      expect(claim.spec?.storageClassName).toBe("standard");
    }
  });

  it("makes a pod Ready when its gate turns True and unready when it turns False", async () => {
    const pods = [...(await listPods("emqx", "core")), ...(await listPods("emqx", "replicant"))];
    await Promise.all(pods.map((pod) => setGate(pod, "True")));
    await expect
      .poll(async () => {
        const now = [...(await listPods("emqx", "core")), ...(await listPods("emqx", "replicant"))];
        return now.map((p) => condition(p, "Ready"));
      }, POLL)
      .toEqual(["True", "True", "True", "True", "True"]);
    await expect
      .poll(
        async () =>
          (await apps.readNamespacedStatefulSet({ name: "emqx-core", namespace: NS })).status?.readyReplicas,
        POLL,
      )
      .toBe(3);

    const [first] = await listPods("emqx", "core");
    await setGate(first as V1Pod, "False");
    const name = first?.metadata?.name as string;
    await expect
      .poll(async () => condition(await core.readNamespacedPod({ name, namespace: NS }), "Ready"), POLL)
      .toBe("False");
    const after = await core.readNamespacedPod({ name, namespace: NS });
    expect(condition(after, GATE)).toBe("False");
    expect(condition(after, "ContainersReady")).toBe("True");

    await setGate(after, "True");
    await expect
      .poll(async () => condition(await core.readNamespacedPod({ name, namespace: NS }), "Ready"), POLL)
      .toBe("True");
  });

  it("deletes pods with their owner (the garbage collector runs)", async () => {
    await apps.deleteNamespacedStatefulSet({
      name: "emqx-core",
      namespace: NS,
      propagationPolicy: "Background",
    });
    await apps.deleteNamespacedReplicaSet({
      name: "emqx-replicant",
      namespace: NS,
      propagationPolicy: "Background",
    });
    await expect.poll(async () => (await listPods("emqx", "core")).length, POLL).toBe(0);
    await expect.poll(async () => (await listPods("emqx", "replicant")).length, POLL).toBe(0);
  });
});

describe("pods without readiness gates", () => {
  it("become Ready as soon as they run", async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: { metadata: { name: "plain" }, spec: { containers: [{ name: "c", image: "busybox:1" }] } },
    });
    await expect
      .poll(
        async () => condition(await core.readNamespacedPod({ name: "plain", namespace: NS }), "Ready"),
        POLL,
      )
      .toBe("True");
    await core.deleteNamespacedPod({ name: "plain", namespace: NS });
    await expect
      .poll(
        async () =>
          (await core.listNamespacedPod({ namespace: NS, fieldSelector: "metadata.name=plain" })).items
            .length,
        POLL,
      )
      .toBe(0);
  });
});
