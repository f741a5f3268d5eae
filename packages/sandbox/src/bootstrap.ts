/**
 * What a fresh sandbox needs once the apiserver answers: kwok nodes labelled the way a kubelet labels them, a
 * default StorageClass whose claims the kwok volume stages bind, and the checks that the controllers, scheduler
 * and kwok really work (nodes Ready, the default ServiceAccount made).
 */
import { get } from "node:http";
import { request } from "node:https";
import type { KubeConfig, V1Node } from "@kubernetes/client-node";
import { SandboxError } from "./errors.ts";

/** The StorageClass the sandbox marks default; the kwok volume stages bind claims of this class. */
export const STORAGE_CLASS = "standard";
/** Zones the sandbox's nodes are spread over (round-robin), for topology-spread tests. */
export const ZONES = ["sandbox-a", "sandbox-b", "sandbox-c"] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** TLS material for talking to the apiserver without a client library. */
export interface TlsFiles {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

function getStatus(url: string, tls: TlsFiles): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { ...tls, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** Polls `check` until it returns true; `alive` lets a crashed process fail the wait at once. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; alive?: () => void; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    options.alive?.();
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new SandboxError(`timed out after ${options.timeoutMs / 1000}s waiting for ${what}`);
    await sleep(options.intervalMs ?? 100);
  }
}

/** Waits until etcd reports itself healthy, so the apiserver does not start against a port nobody serves. */
export function waitForEtcd(clientUrl: string, alive: () => void): Promise<void> {
  const healthy = () =>
    new Promise<boolean>((resolve) => {
      const req = get(`${clientUrl}/health`, { timeout: 2_000 }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve(res.statusCode === 200 && body.includes('"true"')));
      });
      req.on("error", () => resolve(false));
      req.on("timeout", () => req.destroy());
    });
  return waitFor("etcd /health", healthy, { timeoutMs: 30_000, alive, intervalMs: 50 });
}

/** Waits until `GET /readyz` answers 200. */
export function waitForReadyz(apiserverUrl: string, tls: TlsFiles, alive: () => void): Promise<void> {
  return waitFor(
    "kube-apiserver /readyz",
    async () => (await getStatus(`${apiserverUrl}/readyz`, tls)) === 200,
    {
      timeoutMs: 60_000,
      alive,
    },
  );
}

/** A kwok-managed node with the labels a kubelet sets (hostname, os, arch) plus a zone and region. */
export function buildNode(index: number): V1Node {
  const name = `sandbox-node-${index}`;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
        "topology.kubernetes.io/region": "sandbox",
        "topology.kubernetes.io/zone": ZONES[index % ZONES.length] as string,
        "node.kubernetes.io/instance-type": "kwok",
        type: "kwok",
      },
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
    },
  };
}

/** Creates the StorageClass and the nodes. */
export async function createClusterObjects(kubeConfig: KubeConfig, nodes: number): Promise<void> {
  const { CoreV1Api, StorageV1Api } = await import("@kubernetes/client-node");
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const storage = kubeConfig.makeApiClient(StorageV1Api);
  await storage.createStorageClass({
    body: {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: {
        name: STORAGE_CLASS,
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: "sandbox.emqx-reconciler.io/kwok",
      reclaimPolicy: "Delete",
      volumeBindingMode: "Immediate",
      allowVolumeExpansion: true,
    },
  });
  await Promise.all(Array.from({ length: nodes }, (_, i) => core.createNode({ body: buildNode(i) })));
}

/** Waits until every node is Ready (kwok runs) and `default/default` exists (the controller-manager runs). */
export async function waitForClusterReady(
  kubeConfig: KubeConfig,
  nodes: number,
  alive: () => void,
): Promise<void> {
  const { CoreV1Api } = await import("@kubernetes/client-node");
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const isReady = (node: V1Node) =>
    node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
  await waitFor(
    `${nodes} kwok nodes to be Ready`,
    async () => (await core.listNode()).items.filter(isReady).length >= nodes,
    { timeoutMs: 60_000, alive, intervalMs: 200 },
  );
  await waitFor(
    "the default ServiceAccount (kube-controller-manager)",
    async () => Boolean(await core.readNamespacedServiceAccount({ name: "default", namespace: "default" })),
    { timeoutMs: 60_000, alive, intervalMs: 200 },
  );
}
