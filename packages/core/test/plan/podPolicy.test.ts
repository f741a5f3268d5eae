import { type Emqx, type PodPolicy, validateEmqx } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { forbiddenPodFields } from "../../src/plan/podPolicy.ts";
import { makeCr, SimulatedCluster } from "./simulatedCluster.ts";
import { driveToReady } from "./toReady.ts";

const RESTRICTED: PodPolicy = { mode: "restricted", serviceAccounts: [] };

/** Every field a restricted policy refuses, in both templates. */
const DANGEROUS = {
  serviceAccountName: "cluster-admin-sa",
  coreTemplate: {
    spec: {
      replicas: 2,
      containerSecurityContext: { privileged: true },
      extraVolumes: [
        { name: "data", emptyDir: {} },
        { name: "host", hostPath: { path: "/" } },
      ],
      initContainers: [
        { name: "init", image: "busybox", securityContext: { capabilities: { add: ["SYS_ADMIN"] } } },
      ],
    },
  },
  replicantTemplate: {
    spec: {
      replicas: 1,
      ports: [{ name: "mqtt", containerPort: 1883, hostPort: 1883 }],
      extraContainers: [
        {
          name: "side",
          image: "busybox",
          securityContext: { privileged: true, capabilities: { add: ["NET_BIND_SERVICE"] } },
        },
      ],
    },
  },
};

function valid(spec: Record<string, unknown>): Emqx {
  const result = validateEmqx(makeCr(spec));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.emqx;
}

describe("forbiddenPodFields", () => {
  it("names every forbidden field of both templates under a restricted policy, in spec order", () => {
    expect(forbiddenPodFields(valid(DANGEROUS), RESTRICTED)).toEqual([
      "spec.serviceAccountName",
      "spec.coreTemplate.spec.containerSecurityContext.privileged",
      "spec.coreTemplate.spec.initContainers[0].securityContext.capabilities.add[0]",
      "spec.coreTemplate.spec.extraVolumes[1].hostPath",
      "spec.replicantTemplate.spec.ports[0].hostPort",
      "spec.replicantTemplate.spec.extraContainers[0].securityContext.privileged",
    ]);
  });

  it("allows everything under the open policy, and the seed-like spec under restricted", () => {
    expect(forbiddenPodFields(valid(DANGEROUS), { mode: "open", serviceAccounts: [] })).toEqual([]);
    expect(forbiddenPodFields(valid({}), RESTRICTED)).toEqual([]);
    expect(forbiddenPodFields(valid({ serviceAccountName: "default" }), RESTRICTED)).toEqual([]);
  });

  it("allows a service account the policy lists", () => {
    const spec = { serviceAccountName: "emqx-pods" };
    expect(forbiddenPodFields(valid(spec), RESTRICTED)).toEqual(["spec.serviceAccountName"]);
    expect(forbiddenPodFields(valid(spec), { mode: "restricted", serviceAccounts: ["emqx-pods"] })).toEqual(
      [],
    );
  });
});

describe("plan with a restricted pod policy", () => {
  it("refuses a forbidden CR with PodTemplateForbidden, one Warning naming the paths, and no writes", () => {
    // Prepare
    const sim = new SimulatedCluster(makeCr(DANGEROUS));

    // Act
    const p = sim.step({ podPolicy: RESTRICTED });
    const again = sim.plan({ podPolicy: RESTRICTED });

    // Assess
    expect([p.create, p.apply, p.delete, p.scale, p.podConditions, p.podAnnotations]).toEqual([
      [],
      [],
      [],
      [],
      [],
      [],
    ]);
    expect(p.configPush).toBeUndefined();
    expect(p.status.conditions).toEqual([
      expect.objectContaining({ type: "InvalidSpec", status: "True", reason: "PodTemplateForbidden" }),
    ]);
    const message = p.status.conditions?.[0]?.message ?? "";
    expect(message).toContain("spec.coreTemplate.spec.extraVolumes[1].hostPath");
    expect(message).toContain("spec.serviceAccountName");
    expect(p.events).toEqual([{ type: "Warning", reason: "PodTemplateForbidden", message }]);
    expect(again.events).toEqual([]);
    expect(again.statusChanged).toBe(false);
  });

  it("plans the same writes as no policy for a CR it allows", () => {
    const sim = new SimulatedCluster(makeCr({}));
    expect(sim.plan({ podPolicy: RESTRICTED })).toEqual(sim.plan());
  });

  it("keeps a running cluster's children when the spec turns forbidden, and carries on once fixed", () => {
    // Prepare
    const sim = driveToReady(new SimulatedCluster());
    const spec = sim.cr.spec as { coreTemplate: { spec: Record<string, unknown> } };
    spec.coreTemplate.spec.extraVolumes = [{ name: "host", hostPath: { path: "/var/run" } }];
    sim.cr.metadata.generation = 2;

    // Act
    const refused = sim.step({ podPolicy: RESTRICTED });
    spec.coreTemplate.spec.extraVolumes = [];
    sim.cr.metadata.generation = 3;
    const fixed = sim.step({ podPolicy: RESTRICTED });

    // Assess
    expect(refused.apply).toEqual([]);
    expect(sim.state()).toBe("Ready");
    expect(refused.status.conditions?.at(-1)).toMatchObject({
      type: "InvalidSpec",
      reason: "PodTemplateForbidden",
    });
    expect(fixed.status.conditions?.some((c) => c.type === "InvalidSpec")).toBe(false);
  });
});
