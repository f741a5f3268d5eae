import { describe, expect, it } from "vitest";
import { childMeta, ownerReference } from "../../src/children/meta.ts";
import { makeEmqx } from "./fixtures.ts";

describe("ownerReference", () => {
  it("is a blocking controller reference to the EMQX object", () => {
    expect(ownerReference(makeEmqx())).toEqual({
      apiVersion: "apps.emqx.io/v2beta1",
      kind: "EMQX",
      name: "emqx",
      uid: "0b6d7c2e-1111-4a5b-9c3d-222233334444",
      controller: true,
      blockOwnerDeletion: true,
    });
  });

  it("is absent for a CR that was never stored (no uid)", () => {
    expect(ownerReference(makeEmqx({}, { uid: undefined }))).toBeUndefined();
    expect(childMeta(makeEmqx({}, { uid: undefined }), "x", {}).ownerReferences).toBeUndefined();
  });
});

describe("childMeta", () => {
  it("places the child in the CR's namespace, or default when the CR has none", () => {
    expect(childMeta(makeEmqx(), "emqx-configs", {}).namespace).toBe("mqtt");
    expect(childMeta(makeEmqx({}, { namespace: undefined }), "emqx-configs", {}).namespace).toBe("default");
  });

  it("leaves out empty annotations", () => {
    expect(childMeta(makeEmqx(), "x", { a: "b" }, {})).not.toHaveProperty("annotations");
    expect(childMeta(makeEmqx(), "x", { a: "b" }, { note: "n" }).annotations).toEqual({ note: "n" });
  });
});
