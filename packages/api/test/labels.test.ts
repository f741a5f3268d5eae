import { describe, expect, it } from "vitest";
import { replicantSelectorString, roleLabels } from "../src/labels.ts";

describe("replicantSelectorString", () => {
  it("serialises the replicant role labels as a label selector", () => {
    expect(replicantSelectorString("emqx")).toBe(
      "apps.emqx.io/instance=emqx,apps.emqx.io/managed-by=emqx-operator,apps.emqx.io/db-role=replicant",
    );
  });

  it("selects exactly the labels every replicant pod carries", () => {
    const pairs = replicantSelectorString("x")
      .split(",")
      .map((p) => p.split("="));
    expect(Object.fromEntries(pairs)).toEqual(roleLabels("x", "replicant"));
  });
});
