import { describe, expect, it } from "vitest";
import { makeCr, SimulatedCluster } from "./simulatedCluster.ts";

const REF = { secretName: "db-credentials", secretKey: "user" };
const CR = makeCr({
  bootstrapAPIKeys: [{ secretRef: { key: REF, secret: { ...REF, secretKey: "password" } } }],
});
const VALUES = { "db-credentials": { user: "admin", password: "db-secret-value" } };

function observedWith(sim: SimulatedCluster, consent: Record<string, string | undefined>) {
  return { ...sim.observed(), referencedSecretValues: VALUES, referencedSecretConsent: consent };
}

describe("plan: bootstrapAPIKeys[].secretRef under the opt-in 'annotated' policy needs the Secret's consent", () => {
  it("refuses an unrelated Secret with SecretRefForbidden, one Warning, and no writes", () => {
    // Prepare
    const sim = new SimulatedCluster(structuredClone(CR));

    // Act
    const p = sim.step({ observed: observedWith(sim, {}), secretRefs: "annotated" });

    // Assess
    expect([p.create, p.apply, p.delete, p.scale]).toEqual([[], [], [], []]);
    expect(p.status.conditions).toEqual([
      expect.objectContaining({ type: "InvalidSpec", status: "True", reason: "SecretRefForbidden" }),
    ]);
    const message = p.status.conditions?.[0]?.message ?? "";
    expect(message).toContain('"db-credentials"');
    expect(message).toContain('apps.emqx.io/bootstrap-api-key-for: "emqx"');
    expect(message).not.toContain("db-secret-value");
    expect(p.events).toEqual([{ type: "Warning", reason: "SecretRefForbidden", message }]);
  });

  it("refuses a Secret annotated for another CR, and reads one annotated for this CR", () => {
    const sim = new SimulatedCluster(structuredClone(CR));
    const other = sim.plan({
      observed: observedWith(sim, { "db-credentials": "emqx-other" }),
      secretRefs: "annotated",
    });
    const consented = sim.plan({
      observed: observedWith(sim, { "db-credentials": "emqx-other, emqx" }),
      secretRefs: "annotated",
    });

    expect(other.status.conditions?.[0]?.reason).toBe("SecretRefForbidden");
    const secret = consented.create.find((o) => o.metadata?.name === "emqx-bootstrap-api-key") as {
      stringData: Record<string, string>;
    };
    expect(secret.stringData.bootstrap_api_key).toMatch(/^admin:db-secret-value\n/);
  });

  it("reads any Secret under the 'any' policy, the default, as the operator does", () => {
    const sim = new SimulatedCluster(structuredClone(CR));
    const explicit = sim.plan({ observed: observedWith(sim, {}), secretRefs: "any" });
    const byDefault = sim.plan({ observed: observedWith(sim, {}) });
    expect(explicit.create.map((o) => o.metadata?.name)).toContain("emqx-bootstrap-api-key");
    expect(byDefault.create.map((o) => o.metadata?.name)).toContain("emqx-bootstrap-api-key");
  });

  it("leaves a missing Secret to the existing GetBootStrapSecretRef warning", () => {
    const sim = new SimulatedCluster(structuredClone(CR));
    const p = sim.plan({
      observed: {
        ...sim.observed(),
        referencedSecretValues: { "db-credentials": null },
        referencedSecretConsent: {},
      },
    });
    expect(p.events).toEqual([expect.objectContaining({ reason: "GetBootStrapSecretRef" })]);
  });
});
