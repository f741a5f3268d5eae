import { describe, expect, it } from "vitest";
import { buildCorePdb, buildReplicantPdb, hasReplicants } from "../../src/children/pdbs.ts";
import { makeEmqx } from "./fixtures.ts";

describe("buildCorePdb", () => {
  it("selects core pods by role and template labels, without the hash, in policy/v1", () => {
    const emqx = makeEmqx(
      { coreTemplate: { metadata: { labels: { tier: "broker" } }, spec: { replicas: 3, minAvailable: 2 } } },
      { labels: { team: "iot" } },
    );
    expect(buildCorePdb(emqx)).toEqual({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: {
        name: "emqx-core",
        namespace: "mqtt",
        labels: { "apps.emqx.io/instance": "emqx", "apps.emqx.io/managed-by": "emqx-operator", team: "iot" },
        ownerReferences: [
          {
            apiVersion: "apps.emqx.io/v2beta1",
            kind: "EMQX",
            name: "emqx",
            uid: "0b6d7c2e-1111-4a5b-9c3d-222233334444",
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        selector: {
          matchLabels: {
            "apps.emqx.io/instance": "emqx",
            "apps.emqx.io/managed-by": "emqx-operator",
            "apps.emqx.io/db-role": "core",
            tier: "broker",
          },
        },
        minAvailable: 2,
      },
    });
  });

  it("passes maxUnavailable through as given, and neither when unset", () => {
    expect(buildCorePdb(makeEmqx({ coreTemplate: { spec: { maxUnavailable: "50%" } } })).spec).toMatchObject({
      maxUnavailable: "50%",
    });
    const spec = buildCorePdb(makeEmqx()).spec;
    expect(spec).not.toHaveProperty("minAvailable");
    expect(spec).not.toHaveProperty("maxUnavailable");
  });
});

describe("buildReplicantPdb", () => {
  it("exists only while replicants exist", () => {
    expect(buildReplicantPdb(makeEmqx())).toBeUndefined();
    expect(buildReplicantPdb(makeEmqx({ replicantTemplate: { spec: { replicas: 0 } } }))).toBeUndefined();
    const emqx = makeEmqx({ replicantTemplate: { spec: { replicas: 3, maxUnavailable: 1 } } });
    expect(hasReplicants(emqx)).toBe(true);
    const pdb = buildReplicantPdb(emqx);
    expect(pdb?.metadata?.name).toBe("emqx-replicant");
    expect(pdb?.spec?.selector?.matchLabels?.["apps.emqx.io/db-role"]).toBe("replicant");
    expect(pdb?.spec?.maxUnavailable).toBe(1);
  });
});
