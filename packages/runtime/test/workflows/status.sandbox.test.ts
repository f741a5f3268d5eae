/**
 * The status workflow on the real sandbox: nothing written for a converged CR, the last good node lists kept
 * through an EMQX API outage (with a condition saying why, and the readiness gates left alone, #1025), and a node
 * leaving the EMQX cluster taken out of service and published as a transition — all without a reconcile.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { CONDITION_ON_SERVING, type StatusTransition } from "@emqx-reconciler/api";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { refreshStatus } from "../../src/workflows/status.ts";
import {
  applySeed,
  openSandboxPorts,
  reconcileUntilConverged,
  type SandboxPorts,
  waitFor,
} from "./sandboxPorts.ts";

const NS = "wf-status";
let ports: SandboxPorts;
let admin: EmulatorAdmin;

interface StatusView {
  conditions?: Array<{ type: string; status: string; reason?: string }>;
  coreNodes?: unknown[];
  replicantNodes?: Array<{ node?: string; podUID?: string }>;
  replicantNodesStatus?: { readyReplicas?: number };
}

async function readCr(): Promise<KubeObject & { status: StatusView }> {
  return (await ports.gateway.getEmqx(NS, "emqx")) as KubeObject & { status: StatusView };
}

async function gates(): Promise<Record<string, string | undefined>> {
  const pods = (await ports.gateway.listOwned("Pod", NS, "emqx")) as Array<{
    metadata?: { name?: string };
    status?: { conditions?: Array<{ type: string; status: string }> };
  }>;
  return Object.fromEntries(
    pods.map((p) => [
      p.metadata?.name,
      p.status?.conditions?.find((c) => c.type === CONDITION_ON_SERVING)?.status,
    ]),
  );
}

/** Our CR's transitions from one refresh (other test files share the sandbox). */
async function refreshOurs(): Promise<StatusTransition[]> {
  const result = await refreshStatus(ports.statusDeps, "sandbox");
  return result.transitions.filter((t) => t.namespace === NS);
}

/** Refreshes until a refresh publishes nothing for our CR; the state machine moves one step per pass. */
async function settle(): Promise<StatusTransition[]> {
  const all: StatusTransition[] = [];
  for (let i = 0; i < 20; i++) {
    const step = await refreshOurs();
    if (step.length === 0) return all;
    all.push(...step);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`status did not settle: ${JSON.stringify(all.map((t) => t.to))}`);
}

beforeAll(async () => {
  ports = await openSandboxPorts();
  admin = new EmulatorAdmin(ports.sandbox.emulatorAdminUrl ?? "");
  await ports.sandbox.kubectl(["delete", "namespace", NS, "--wait=true", "--ignore-not-found"]);
  await applySeed(ports, NS);
  await reconcileUntilConverged(ports, NS, "emqx");
}, 180_000);

afterEach(async () => {
  await admin.setFault({ namespace: NS, name: "emqx" }, "none");
});

afterAll(async () => {
  await ports?.sandbox.kubectl(["delete", "namespace", NS, "--wait=false"]);
  await ports?.gateway.close();
});

describe("refreshStatus on the sandbox", () => {
  it("writes nothing and publishes nothing for a converged CR", async () => {
    const before = (await readCr()).metadata?.resourceVersion;
    expect(await refreshOurs()).toEqual([]);
    expect((await readCr()).metadata?.resourceVersion).toBe(before);
  });

  it("R29 keeps the last good node lists and the gates through an API outage, then recovers", async () => {
    const gatesBefore = await gates();
    await admin.setFault({ namespace: NS, name: "emqx" }, "server-error");
    expect(await refreshOurs()).toEqual([]);
    const during = (await readCr()).status;
    expect(during.conditions?.find((c) => c.type === "NodeStatusStale")).toMatchObject({ status: "True" });
    expect(during.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(during.coreNodes).toHaveLength(2);
    expect(during.replicantNodes).toHaveLength(3);
    expect(await gates()).toEqual(gatesBefore);
    const warnings = await ports.gateway.listEvents(NS, "emqx", "FailedToGetNodeStatuses");
    expect(warnings.map((e) => e.type)).toEqual(["Warning"]);

    await admin.setFault({ namespace: NS, name: "emqx" }, "none");
    await refreshOurs();
    const after = (await readCr()).status;
    expect(after.conditions?.some((c) => c.type === "NodeStatusStale")).toBe(false);
    expect(after.replicantNodes).toHaveLength(3);
  });

  it("takes a stopped node out of service and publishes each change once", { timeout: 60_000 }, async () => {
    const victim = Object.keys(await gates()).find((name) => name.includes("replicant")) ?? "";
    await admin.setFault({ pod: `${NS}/${victim}` }, "node-stopped");
    const published = await settle();
    expect(published[0]).toMatchObject({
      name: "emqx",
      from: "Ready",
      replicant: { ready: 2, desired: 3 },
      core: { ready: 2, desired: 2 },
    });
    const withoutTime = published.map(({ time: _t, ...rest }) => JSON.stringify(rest));
    expect(new Set(withoutTime).size).toBe(published.length);
    expect(published.at(-1)?.to).not.toBe("Ready");
    expect((await gates())[victim]).toBe("False");

    await admin.setFault({ pod: `${NS}/${victim}` }, "none");
    const back = await waitFor("the node counted again", async () => {
      const t = await refreshOurs();
      return t.some((x) => x.replicant.ready === 3) ? t : undefined;
    });
    expect(back.at(-1)).toMatchObject({ replicant: { ready: 3, desired: 3 } });
    expect((await gates())[victim]).toBe("True");
    const results = await reconcileUntilConverged(ports, NS, "emqx");
    expect(results.at(-1)?.outcome).toBe("converged");
  });
});
