import { describe, expect, it } from "vitest";
import { validateEmqx } from "../src/validate.ts";
import { emqxObject, IMAGE } from "./fixtures.ts";

const managed = (time: string) => [{ manager: "emqx-reconciler", operation: "Apply", time }];

describe("validateEmqx's memo of recent results", () => {
  it("gives each input its own resourceVersion and managedFields, and shares the validated spec", () => {
    const first = validateEmqx(
      emqxObject({ image: IMAGE }, { resourceVersion: "10", managedFields: managed("a") }),
    );
    const second = validateEmqx(
      emqxObject({ image: IMAGE }, { resourceVersion: "11", managedFields: managed("b") }),
    );
    const bare = validateEmqx(emqxObject({ image: IMAGE }));
    if (!first.ok || !second.ok || !bare.ok) throw new Error("the inputs are valid");
    expect(first.emqx.metadata.resourceVersion).toBe("10");
    expect(second.emqx.metadata.resourceVersion).toBe("11");
    expect(second.emqx.metadata.managedFields?.[0]?.time).toBe("b");
    expect("resourceVersion" in bare.emqx.metadata).toBe(false);
    expect(second.emqx.spec).toBe(first.emqx.spec);
  });

  it("hands out frozen results, so no caller can change the next one's", () => {
    const result = validateEmqx(emqxObject({ image: IMAGE }, { resourceVersion: "12" }));
    if (!result.ok) throw new Error("the input is valid");
    expect(() => {
      (result.emqx.spec as { image: string }).image = "changed";
    }).toThrow(TypeError);
  });

  it("tells inputs apart by everything but the apiserver's fields", () => {
    const a = validateEmqx(emqxObject({ image: IMAGE }, { labels: { team: "a" } }));
    const b = validateEmqx(emqxObject({ image: IMAGE }, { labels: { team: "b" } }));
    if (!a.ok || !b.ok) throw new Error("the inputs are valid");
    expect(b.emqx.metadata.labels).toEqual({ team: "b" });
    const invalid = validateEmqx(emqxObject({ image: IMAGE, coreTemplate: { spec: { replicas: -1 } } }));
    expect(invalid.ok).toBe(false);
  });

  it("still refuses apiserver fields of the wrong shape", () => {
    validateEmqx(emqxObject({ image: IMAGE }, { resourceVersion: "13" }));
    const wrong = validateEmqx(emqxObject({ image: IMAGE }, { resourceVersion: 13 }));
    expect(wrong.ok).toBe(false);
  });
});
