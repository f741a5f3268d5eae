/**
 * The seed example applied verbatim with kubectl reaches `Ready` under the embedded reconciler of `run`: the
 * printer column, the node lists as the operator writes them, counts and revisions, and pods that are Ready only
 * because the reconciler set their `apps.emqx.io/on-serving` gate.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { CONDITION_ON_SERVING, FIELD_MANAGER, LABEL_DB_ROLE } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  applySeed,
  closeTestbed,
  freshNamespace,
  openTestbed,
  printedStatus,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

interface GatedPod extends KubeObject {
  spec: { readinessGates?: Array<{ conditionType: string }> };
  status: { podIP?: string; conditions?: Array<{ type: string; status: string }> };
}

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler | undefined;

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-seed");
  embedded = await startEmbedded(testbed, ns);
});

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("the seed example on the sandbox", () => {
  it("reaches STATUS Ready in kubectl get emqx", { timeout: 120_000 }, async () => {
    await applySeed(testbed, ns);
    await waitFor("kubectl get emqx to print Ready", async () =>
      (await printedStatus(testbed, ns)) === "Ready" ? true : undefined,
    );
  });

  it("lists 2 core and 3 replicant nodes as the operator writes them", async () => {
    const status = (await readCr(testbed, ns))?.status ?? {};
    const pods = (await testbed.gateway.listOwned("Pod", ns, "emqx")) as unknown as GatedPod[];
    const podsOf = (role: string) => pods.filter((p) => p.metadata?.labels?.[LABEL_DB_ROLE] === role);
    const cores = status.coreNodes ?? [];
    const replicants = status.replicantNodes ?? [];
    expect(cores).toHaveLength(2);
    expect(replicants).toHaveLength(3);
    expect(cores.map((n) => n.node).sort()).toEqual(
      podsOf("core")
        .map((p) => `emqx@${p.metadata?.name}.emqx-headless.${ns}.svc.cluster.local`)
        .sort(),
    );
    expect(replicants.map((n) => n.node).sort()).toEqual(
      podsOf("replicant")
        .map((p) => `emqx@${p.status.podIP}`)
        .sort(),
    );
    for (const [role, nodes] of [
      ["core", cores],
      ["replicant", replicants],
    ] as const) {
      for (const node of nodes) {
        expect(node).toMatchObject({ name: node.node, node_status: "running", role, version: "6.0.1" });
        expect(node.otp_release).toMatch(/\S/);
      }
    }
  });

  it("counts nodes and records one revision per role", async () => {
    const status = (await readCr(testbed, ns))?.status ?? {};
    for (const [nodes, replicas] of [
      [status.coreNodesStatus, 2],
      [status.replicantNodesStatus, 3],
    ] as const) {
      expect(nodes).toMatchObject({ replicas, readyReplicas: replicas, updateReplicas: replicas });
      expect(nodes?.updateRevision).toMatch(/^[a-z0-9]+$/);
      expect(nodes?.currentRevision).toBe(nodes?.updateRevision);
    }
    const [sts] = await testbed.gateway.listOwned("StatefulSet", ns, "emqx");
    expect(sts?.metadata?.name).toBe(`emqx-core-${status.coreNodesStatus?.updateRevision}`);
    const [rs] = await testbed.gateway.listOwned("ReplicaSet", ns, "emqx");
    expect(rs?.metadata?.name).toBe(`emqx-replicant-${status.replicantNodesStatus?.updateRevision}`);
  });

  it("made every pod Ready through the on-serving gate that only the reconciler writes", async () => {
    const pods = (await testbed.gateway.listOwned("Pod", ns, "emqx")) as unknown as GatedPod[];
    expect(pods).toHaveLength(5);
    for (const pod of pods) {
      expect(pod.spec.readinessGates).toEqual([{ conditionType: CONDITION_ON_SERVING }]);
      const condition = (type: string) => pod.status.conditions?.find((c) => c.type === type)?.status;
      expect(condition(CONDITION_ON_SERVING)).toBe("True");
      expect(condition("Ready")).toBe("True");
      const gateWriters = (pod.metadata?.managedFields ?? [])
        .filter((m) => JSON.stringify(m.fieldsV1 ?? {}).includes(CONDITION_ON_SERVING))
        .map((m) => `${m.manager}/${m.subresource}`);
      expect(gateWriters).toEqual([`${FIELD_MANAGER}/status`]);
    }
  });
});
