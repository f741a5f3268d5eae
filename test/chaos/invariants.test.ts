import type { OwnedChildren } from "@emqx-reconciler/adapters";
import { configDigest } from "@emqx-reconciler/core";
import { describe, expect, it } from "vitest";
import { chaosConfig } from "./cr.ts";
import { type ChaosCr, convergenceProblems, leakedCanaries, type Observation } from "./invariants.ts";

const data = chaosConfig("info");
const uid = "cr-uid";
const owner = (ownerUid: string) => [
  { apiVersion: "v1", kind: "X", name: "x", uid: ownerUid, controller: true },
];
const meta = (name: string, extra: object = {}) => ({ name, ownerReferences: owner(uid), ...extra });

function set(name: string, image: string, replicas: number, setUid: string) {
  return {
    metadata: meta(name, { uid: setUid }),
    spec: { replicas, template: { spec: { containers: [{ name: "emqx", image }] } } },
    status: { readyReplicas: replicas },
  };
}

function pod(name: string, role: string, setUid: string) {
  return {
    metadata: { name, labels: { "apps.emqx.io/db-role": role }, ownerReferences: owner(setUid) },
    status: { phase: "Running", podIP: "10.0.0.9", conditions: [{ type: "Ready", status: "True" }] },
  };
}

/** A converged 1-core / 1-replicant CR, as `observe` would read it. */
function converged(): Observation {
  const cr: ChaosCr = {
    metadata: {
      name: "chaos",
      uid,
      generation: 3,
      annotations: { "apps.emqx.io/last-emqx-configuration": configDigest(data) },
    },
    spec: {
      image: "emqx/emqx:6.0.2",
      revisionHistoryLimit: 2,
      config: { data },
      coreTemplate: { spec: { replicas: 1 } },
      replicantTemplate: { spec: { replicas: 1 } },
    },
    status: {
      conditions: [
        {
          type: "Ready",
          status: "True",
          observedGeneration: 3,
          reason: "r",
          message: "",
          lastTransitionTime: "",
        },
      ],
      coreNodes: [{ node: "emqx@core-0", name: "emqx@core-0" }],
      replicantNodes: [{ node: "emqx@10.0.0.1", name: "emqx@10.0.0.1" }],
    } as ChaosCr["status"],
  };
  const children = {
    StatefulSet: [
      set("chaos-core-new", "emqx/emqx:6.0.2", 1, "sts"),
      set("chaos-core-old", "emqx/emqx:6.0.1", 0, "old"),
    ],
    ReplicaSet: [set("chaos-replicant-new", "emqx/emqx:6.0.2", 1, "rs")],
    Pod: [pod("core-0", "core", "sts"), pod("replicant-a", "replicant", "rs")],
    Service: ["chaos-headless", "chaos-dashboard", "chaos-listeners"].map((n) => ({ metadata: meta(n) })),
    ConfigMap: [{ metadata: meta("chaos-configs"), data: { "emqx.conf": `header\n${data}` } }],
    Secret: ["chaos-bootstrap-api-key", "chaos-node-cookie", "chaos-reconciler-state"].map((n) => ({
      metadata: meta(n),
    })),
    PodDisruptionBudget: ["chaos-core", "chaos-replicant"].map((n) => ({ metadata: meta(n) })),
  } as unknown as OwnedChildren;
  const emqx = {
    key: "ns/chaos",
    apiKeys: [],
    config: "",
    nodes: [
      { name: "emqx@core-0", role: "core", status: "running" as const, connections: 0, departed: false },
      {
        name: "emqx@10.0.0.1",
        role: "replicant",
        status: "running" as const,
        connections: 0,
        departed: false,
      },
    ],
  };
  return { cr, children, emqx, planConverged: true, planPending: [] };
}

describe("convergenceProblems", () => {
  it("finds none in a converged cluster with an old set at 0", () => {
    expect(convergenceProblems(converged())).toEqual([]);
  });

  it("names an old set still running, a missing Service, an orphan, a stale status and a pending plan", () => {
    const obs = converged();
    const [, old] = obs.children.StatefulSet;
    if (old?.spec) old.spec.replicas = 1;
    obs.children.Service.splice(1, 1);
    obs.children.Pod.push(pod("stray", "replicant", "gone-set") as never);
    obs.emqx?.nodes.push({
      name: "emqx@10.0.0.2",
      role: "replicant",
      status: "running",
      connections: 0,
      departed: false,
    });
    obs.planConverged = false;
    obs.planPending = ["update Service/chaos-listeners spec.selector"];
    const problems = convergenceProblems(obs).join("\n");
    expect(problems).toContain("core: 2 sets with replicas > 0 (chaos-core-new, chaos-core-old)");
    expect(problems).toContain("core set chaos-core-old runs emqx/emqx:6.0.1, spec says emqx/emqx:6.0.2");
    expect(problems).toContain("missing Service/chaos-dashboard");
    expect(problems).toContain("orphan Pod/stray");
    expect(problems).toContain(
      "status.replicantNodes [emqx@10.0.0.1] ≠ EMQX replicants [emqx@10.0.0.1,emqx@10.0.0.2]",
    );
    expect(problems).toContain(
      "plan --live has pending writes: update Service/chaos-listeners spec.selector",
    );
  });

  it("names a Running pod that is not Ready with its IP, container readiness and on-serving gate", () => {
    const obs = converged();
    const [, replicant] = obs.children.Pod;
    if (replicant)
      replicant.status = {
        phase: "Running",
        podIP: "10.0.0.9",
        conditions: [
          { type: "ContainersReady", status: "True" },
          { type: "apps.emqx.io/on-serving", status: "True" },
          { type: "Ready", status: "False" },
        ],
      } as never;
    const problems = convergenceProblems(obs);
    expect(problems).toEqual([
      "replicant pods: replicant-a:Running/unready(ip 10.0.0.9, containers True, gate True), spec 1",
    ]);
  });

  it("wants Ready observed at the CR's generation and the config digest of the spec", () => {
    const obs = converged();
    if (obs.cr?.metadata) obs.cr.metadata.generation = 4;
    if (obs.cr?.spec?.config) obs.cr.spec.config.data = chaosConfig("debug");
    const problems = convergenceProblems(obs).join("\n");
    expect(problems).toContain("Ready observed generation 3, the CR is at 4");
    expect(problems).toContain("config digest annotation");
    expect(problems).toContain("ConfigMap lacks config.data");
  });
});

describe("leakedCanaries", () => {
  it("returns the canaries a text holds", () => {
    expect(leakedCanaries('{"msg":"x chaoscanary1 y"}', ["chaoscanary1", "chaoscanary2", ""])).toEqual([
      "chaoscanary1",
    ]);
  });
});
