import { describe, expect, it } from "vitest";
import { SimulatedCluster } from "./simulatedCluster.ts";

const HASH = "apps.emqx.io/pod-template-hash";

/** Renames every set and pod as if the Go operator had created them (its hash alphabet, its status format). */
function asOperatorMade(sim: SimulatedCluster): void {
  const rename = new Map<string, string>();
  for (const [key, set] of [...sim.sets]) {
    const goHash = set.kind === "StatefulSet" ? "6bb54f9998" : "57bcb74d8d";
    const role = set.kind === "StatefulSet" ? "core" : "replicant";
    const oldHash = set.metadata?.labels?.[HASH] ?? "";
    const name = `emqx-${role}-${goHash}`;
    rename.set(oldHash, goHash);
    sim.sets.delete(key);
    if (set.metadata)
      set.metadata = { ...set.metadata, name, labels: { ...set.metadata.labels, [HASH]: goHash } };
    const relabel = (labels?: Record<string, string>) => ({ ...labels, [HASH]: goHash });
    if (set.spec) {
      set.spec.selector = { matchLabels: relabel(set.spec.selector?.matchLabels) };
      if (set.spec.template)
        set.spec.template.metadata = {
          ...set.spec.template.metadata,
          labels: relabel(set.spec.template.metadata?.labels),
        };
    }
    sim.sets.set(`${set.kind}/${name}`, set);
    for (const pod of sim.pods.filter((p) => p.metadata?.ownerReferences?.[0]?.uid === set.metadata?.uid)) {
      if (!pod.metadata) continue;
      pod.metadata.labels = relabel(pod.metadata.labels);
      if (role === "core") pod.metadata.name = `${name}-${pod.metadata.name?.split("-").pop()}`;
    }
  }
  const status = sim.cr.status as Record<string, { updateRevision?: string; currentRevision?: string }> & {
    coreNodes: Array<Record<string, unknown>>;
    replicantNodes: Array<Record<string, unknown>>;
  };
  for (const role of ["coreNodesStatus", "replicantNodesStatus"]) {
    const s = status[role];
    if (!s) continue;
    s.updateRevision = rename.get(s.updateRevision ?? "");
    s.currentRevision = rename.get(s.currentRevision ?? "");
  }
  // The operator writes `node` only, and no replicantSelector.
  for (const n of [...status.coreNodes, ...status.replicantNodes]) delete n.name;
  delete (status as Record<string, unknown>).replicantSelector;
}

describe("plan: adopting a cluster the operator created", () => {
  it("keeps the operator's sets (no blue-green), and fills in name and replicantSelector once", () => {
    // Prepare
    const sim = new SimulatedCluster();
    for (let i = 0; i < 20 && sim.state() !== "Ready"; i++) sim.step();
    asOperatorMade(sim);

    // Act
    const first = sim.step();
    const second = sim.plan();

    // Assess
    expect(
      first.apply
        .filter((o) => o.kind === "StatefulSet" || o.kind === "ReplicaSet")
        .map((o) => o.metadata?.name),
    ).toEqual(["emqx-core-6bb54f9998", "emqx-replicant-57bcb74d8d"]);
    expect(first.scale).toEqual([]);
    expect(first.podConditions).toEqual([]);
    expect(first.statusChanged).toBe(true);
    expect(first.status.coreNodes?.every((n) => n.name === n.node)).toBe(true);
    expect(first.status.coreNodesStatus).toMatchObject({
      updateRevision: "6bb54f9998",
      currentRevision: "6bb54f9998",
      readyReplicas: 2,
    });
    expect(sim.state()).toBe("Ready");
    expect(second.statusChanged).toBe(false);
    expect(sim.sets.size).toBe(2);
  });
});
