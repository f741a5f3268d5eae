/**
 * The reconcile workflow on the real sandbox (kube-apiserver, controllers, kwok; the emulator answers the EMQX API
 * on the pod IPs): the seed example applied verbatim reaches Ready, a converged pass costs no writes, and an
 * invalid `config.data` changes no child.
 */
import { type KubeObject, OWNED_KINDS } from "@emqx-reconciler/adapters";
import { CONDITION_ON_SERVING, FIELD_MANAGER } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcile } from "../../src/workflows/reconcile.ts";
import {
  applySeed,
  openSandboxPorts,
  patchSpec,
  reconcileUntilConverged,
  type SandboxPorts,
  waitFor,
} from "./sandboxPorts.ts";

const NS = "wf-reconcile";
const KEY = { cluster: "sandbox", namespace: NS, name: "emqx" };
let ports: SandboxPorts;

interface Conditioned {
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
}
interface NodeEntry {
  name?: string;
  node?: string;
  node_status?: string;
  role?: string;
  version?: string;
  otp_release?: string;
}
interface EmqxStatusView extends Conditioned {
  coreNodes?: NodeEntry[];
  replicantNodes?: NodeEntry[];
  coreNodesStatus?: {
    replicas: number;
    readyReplicas: number;
    currentRevision?: string;
    updateRevision?: string;
  };
  replicantNodesStatus?: {
    replicas: number;
    readyReplicas: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

interface GatedPod {
  spec: { readinessGates?: Array<{ conditionType: string }> };
  status: { conditions: Array<{ type: string; status: string }> };
  metadata: { managedFields: Array<{ manager: string; subresource?: string; fieldsV1?: unknown }> };
}

async function readCr(): Promise<KubeObject & { status?: EmqxStatusView }> {
  const cr = await ports.gateway.getEmqx(NS, "emqx");
  if (!cr) throw new Error("the CR is gone");
  return cr as KubeObject & { status?: EmqxStatusView };
}

/** `kind/name → resourceVersion` of every child, to prove a pass left them alone. */
async function childVersions(): Promise<Record<string, string>> {
  const children = await ports.gateway.listChildren(NS, "emqx");
  const out: Record<string, string> = {};
  for (const kind of OWNED_KINDS) {
    for (const obj of children[kind] as KubeObject[])
      out[`${kind}/${obj.metadata?.name}`] = obj.metadata?.resourceVersion ?? "";
  }
  return out;
}

beforeAll(async () => {
  ports = await openSandboxPorts();
  await ports.sandbox.kubectl(["delete", "namespace", NS, "--wait=true", "--ignore-not-found"]);
  await applySeed(ports, NS);
});

afterAll(async () => {
  await ports?.sandbox.kubectl(["delete", "namespace", NS, "--wait=false"]);
  await ports?.gateway.close();
});

describe("reconcile on the sandbox", () => {
  it("brings the seed example to Ready with 2 core and 3 replicant nodes", { timeout: 120_000 }, async () => {
    const results = await reconcileUntilConverged(ports, NS, "emqx");
    expect(results.at(-1)).toEqual({ outcome: "converged", writes: 0 });

    const status = (await readCr()).status ?? {};
    expect(status.conditions?.[0]).toMatchObject({ type: "Ready", status: "True" });
    const cores = status.coreNodes ?? [];
    const replicants = status.replicantNodes ?? [];
    expect(cores).toHaveLength(2);
    expect(replicants).toHaveLength(3);
    const pods = (await ports.gateway.listOwned("Pod", NS, "emqx")) as Array<
      KubeObject & { status?: { podIP?: string } }
    >;
    const coreNames = pods
      .filter((p) => p.metadata?.labels?.["apps.emqx.io/db-role"] === "core")
      .map((p) => p.metadata?.name);
    expect(cores.map((n) => n.node).sort()).toEqual(
      coreNames.map((pod) => `emqx@${pod}.emqx-headless.${NS}.svc.cluster.local`).sort(),
    );
    const replicantIPs = pods
      .filter((p) => p.metadata?.labels?.["apps.emqx.io/db-role"] === "replicant")
      .map((p) => p.status?.podIP);
    expect(replicants.map((n) => n.node).sort()).toEqual(replicantIPs.map((ip) => `emqx@${ip}`).sort());
    for (const node of [...cores, ...replicants]) {
      expect(node.name).toBe(node.node);
      expect(node).toMatchObject({ node_status: "running", version: "6.0.1" });
      expect(node.otp_release).toBeTruthy();
    }
    expect(cores.every((n) => n.role === "core") && replicants.every((n) => n.role === "replicant")).toBe(
      true,
    );
    expect(status.coreNodesStatus).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect(status.replicantNodesStatus).toMatchObject({ replicas: 3, readyReplicas: 3 });
    expect(status.coreNodesStatus?.currentRevision).toBe(status.coreNodesStatus?.updateRevision);
    expect(status.replicantNodesStatus?.updateRevision).toBeTruthy();

    const printed = await ports.sandbox.kubectl(["get", "emqx", "-n", NS, "emqx"]);
    expect(printed.stdout).toMatch(/\bReady\b/);
  });

  it("made the pods Ready through the on-serving gate it set", async () => {
    const pods = (await ports.gateway.listOwned("Pod", NS, "emqx")) as unknown as GatedPod[];
    expect(pods).toHaveLength(5);
    for (const pod of pods) {
      expect(pod.spec.readinessGates).toEqual([{ conditionType: CONDITION_ON_SERVING }]);
      const gate = pod.status.conditions.find((c) => c.type === CONDITION_ON_SERVING);
      expect(gate?.status).toBe("True");
      expect(pod.status.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
      const writer = pod.metadata.managedFields.find(
        (m: { manager: string; subresource?: string }) =>
          m.manager === FIELD_MANAGER && m.subresource === "status",
      );
      expect(JSON.stringify(writer?.fieldsV1 ?? {})).toContain(CONDITION_ON_SERVING);
    }
  });

  it("makes no writes and at most one read per owned kind on a converged CR", async () => {
    ports.gateway.resetStats();
    const result = await reconcile(ports.reconcileDeps, KEY);
    const stats = ports.gateway.stats();
    console.log("converged reconcile requests:", JSON.stringify(stats));
    expect(result).toEqual({ outcome: "converged", writes: 0 });
    expect(stats.writes).toBe(0);
    for (const [request, count] of Object.entries(stats.byRequest)) expect(count, request).toBe(1);
    expect(Object.keys(stats.byRequest).sort()).toEqual(
      [
        "get emqxes",
        "list configmaps",
        "list poddisruptionbudgets",
        "list pods",
        "list replicasets",
        "list secrets",
        "list services",
        "list statefulsets",
      ].sort(),
    );
  });

  it("never logs a secret", async () => {
    const secret = await ports.gateway.getSecret(NS, "emqx-bootstrap-api-key");
    const password = secret?.bootstrap_api_key?.split(":").at(-1) ?? "";
    expect(password).toMatch(/^[a-z0-9]{64}$/);
    expect(password.replace(/[a-z]/g, "")).toHaveLength(10);
    expect(ports.logger.text()).not.toContain(password);
  });

  it("reports 0 ready replicants through the scale subresource when readyReplicas is omitted", {
    timeout: 120_000,
  }, async () => {
    const scaled = await ports.sandbox.kubectl(["scale", "emqx", "emqx", "-n", NS, "--replicas=0"]);
    expect(scaled.code).toBe(0);
    const status = await waitFor("the replicants gone from the status", async () => {
      await reconcileUntilConverged(ports, NS, "emqx");
      const s = (await readCr()).status ?? {};
      return s.replicantNodes === undefined && s.conditions?.[0]?.type === "Ready" ? s : undefined;
    });
    // The operator's omitempty shape: 0 counts are absent, the revisions stay.
    expect(Object.keys(status.replicantNodesStatus ?? {}).sort()).toEqual([
      "currentRevision",
      "updateRevision",
    ]);
    const path = `/apis/apps.emqx.io/v2beta1/namespaces/${NS}/emqxes/emqx/scale`;
    const scale = await ports.sandbox.kubectl(["get", "--raw", path]);
    expect(scale.code).toBe(0);
    const body = JSON.parse(scale.stdout) as {
      kind?: string;
      spec?: { replicas?: number };
      status?: unknown;
    };
    expect(body.kind).toBe("Scale");
    expect(body.spec?.replicas ?? 0).toBe(0); // autoscaling/v1 omits a 0 spec.replicas itself
    expect(body.status).toEqual({ replicas: 0, selector: expect.stringContaining("db-role=replicant") });
  });

  it("leaves every child as it was and reports InvalidConfig for an invalid config.data", async () => {
    const before = await childVersions();
    await patchSpec(ports, NS, { config: { data: 'license {\n  key = "evaluation"\n' } });

    const first = await reconcile(ports.reconcileDeps, KEY);
    expect(first.outcome).toBe("invalid");
    expect(first.requeueAfterSeconds).toBeUndefined();
    const again = await reconcile(ports.reconcileDeps, KEY);
    expect(again).toEqual({ outcome: "invalid", writes: 0 });

    expect(await childVersions()).toEqual(before);
    const status = (await readCr()).status ?? {};
    expect(status.conditions?.find((c) => c.type === "InvalidSpec")).toMatchObject({
      status: "True",
      reason: "InvalidConfig",
    });
    expect(status.coreNodes).toHaveLength(2);
    const events = await ports.gateway.listEvents(NS, "emqx", "InvalidConfig");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "Warning", count: 1 });
  });
});
