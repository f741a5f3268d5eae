import { POD_TEMPLATE_HASH_LENGTH } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { podTemplateHash } from "../../src/template/podTemplateHash.ts";
import { desiredCoreTemplate, liveCoreTemplate } from "./fixtures.ts";

describe("podTemplateHash", () => {
  it("is 10 characters of the operator's safe alphabet", () => {
    const hash = podTemplateHash(desiredCoreTemplate());
    expect(hash).toHaveLength(POD_TEMPLATE_HASH_LENGTH);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it("does not depend on key order, the hash label or apiserver defaults", () => {
    expect(podTemplateHash(liveCoreTemplate())).toBe(podTemplateHash(desiredCoreTemplate()));
  });

  it("changes with the template and with a collision count above 0", () => {
    const base = podTemplateHash(desiredCoreTemplate());
    const other = desiredCoreTemplate();
    const container = other.spec?.containers[0];
    if (container) container.image = "emqx/emqx:6.0.2";
    expect(podTemplateHash(other)).not.toBe(base);
    expect(podTemplateHash(desiredCoreTemplate(), 1)).not.toBe(base);
    expect(podTemplateHash(desiredCoreTemplate(), 1)).not.toBe(podTemplateHash(desiredCoreTemplate(), 2));
    expect(podTemplateHash(desiredCoreTemplate(), 0)).toBe(base);
  });

  it("is stable across runs and processes: a fixed template keeps its pinned name", () => {
    // Pinned once; if this changes, every cluster would get a new set name for an unchanged template.
    expect(podTemplateHash({ spec: { containers: [{ image: "emqx/emqx:6.0.1", name: "emqx" }] } })).toBe(
      "t2sjkhtr2m",
    );
  });
});
