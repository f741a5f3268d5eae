/**
 * `availability_check` on the real sandbox (its emulated nodes are EMQX Enterprise 6): a converged CR's serving
 * pods are not asked while `global_status` shows nothing running, and a node that starts evacuating is still taken
 * out of service on the next refresh, then put back once its evacuation stops.
 */
import type { EmqxApiClient, KubeObject } from "@emqx-reconciler/adapters";
import { CONDITION_ON_SERVING } from "@emqx-reconciler/api";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshStatus } from "../../src/workflows/status.ts";
import {
  applySeed,
  openSandboxPorts,
  reconcileUntilConverged,
  type SandboxPorts,
  waitFor,
} from "./sandboxPorts.ts";

const NS = "wf-availability";
let ports: SandboxPorts;
let admin: EmulatorAdmin;

interface PodView {
  metadata: { name: string; uid: string; labels?: Record<string, string> };
  status?: { podIP?: string; conditions?: Array<{ type: string; status: string }> };
}

async function pods(): Promise<PodView[]> {
  return (await ports.gateway.listOwned("Pod", NS, "emqx")) as unknown as PodView[];
}

function gate(pod: PodView | undefined): string | undefined {
  return pod?.status?.conditions?.find((c) => c.type === CONDITION_ON_SERVING)?.status;
}

/** The EMQX API requests of this test's pods since `since` (epoch ms), by path. */
async function askedSince(since: number): Promise<string[]> {
  const { recent } = await admin.requests();
  return recent.filter((r) => r.at >= since && r.pod.startsWith(`${NS}/`)).map((r) => r.path);
}

/** Refreshes the status until `pod`'s on-serving gate reads `want`. */
async function refreshUntilGate(
  what: string,
  pod: PodView | undefined,
  want: "True" | "False",
): Promise<void> {
  await waitFor(what, async () => {
    await refreshStatus(ports.statusDeps, "sandbox");
    const now = (await pods()).find((p) => p.metadata.uid === pod?.metadata.uid);
    return gate(now) === want ? true : undefined;
  });
}

/** The CR's EMQX API, as the workflows open it (the process-wide factory makes `EmqxApiClient`s). */
async function openApi(): Promise<EmqxApiClient> {
  const cores = (await pods())
    .filter((p) => p.metadata.labels?.["apps.emqx.io/db-role"] === "core" && p.status?.podIP)
    .map((p) => ({ podName: p.metadata.name, podIP: p.status?.podIP ?? "" }));
  const api = await ports.reconcileDeps.emqxApi.open({
    namespace: NS,
    name: "emqx",
    listener: { scheme: "http", port: 18083 },
    cores,
  });
  if (!api) throw new Error("no credential for the EMQX API");
  return api as unknown as EmqxApiClient;
}

beforeAll(async () => {
  ports = await openSandboxPorts();
  admin = new EmulatorAdmin(ports.sandbox.emulatorAdminUrl ?? "");
  await ports.sandbox.kubectl(["delete", "namespace", NS, "--wait=true", "--ignore-not-found"]);
  await applySeed(ports, NS);
  await reconcileUntilConverged(ports, NS, "emqx");
}, 180_000);

afterAll(async () => {
  await ports?.sandbox.kubectl(["delete", "namespace", NS, "--wait=false"]);
});

describe("availability_check", () => {
  it("asks no serving pod while nothing runs, and still takes an evacuating node out of service", {
    timeout: 90_000,
  }, async () => {
    expect((await pods()).every((p) => gate(p) === "True")).toBe(true);
    const quietSince = Date.now();
    await refreshStatus(ports.statusDeps, "sandbox");
    const quiet = await askedSince(quietSince);
    expect(quiet).toContain("/api/v5/nodes");
    expect(quiet).toContain("/api/v5/load_rebalance/global_status");
    expect(quiet.filter((p) => p.endsWith("/availability_check"))).toEqual([]);

    const cr = (await ports.gateway.getEmqx(NS, "emqx")) as KubeObject & {
      status: { replicantNodes?: Array<{ node: string; podUID: string }> };
    };
    const [evacuating] = cr.status.replicantNodes ?? [];
    if (!evacuating) throw new Error("no replicant node in the status");
    const victim = (await pods()).find((p) => p.metadata.uid === evacuating.podUID);
    const api = await openApi();
    expect(await api.startEvacuation(evacuating.node, {})).toBe("started");
    try {
      await refreshUntilGate("the evacuating node taken out of service", victim, "False");
      const others = (await pods()).filter((p) => p.metadata.uid !== victim?.metadata.uid);
      expect(others.every((p) => gate(p) === "True")).toBe(true);
    } finally {
      await api.stopEvacuation(evacuating.node);
    }
    await refreshUntilGate("the node back in service", victim, "True");
  });
});
