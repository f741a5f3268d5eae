import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderSeedExample } from "./seedExample.ts";

const GOLDEN = new URL("./emqx-core-replicant.json", import.meta.url);

describe("golden: the seed example (2 cores / 3 replicants, emqx/emqx:6.0.1, LoadBalancer dashboard)", () => {
  it("renders exactly the reviewed children", () => {
    const golden = JSON.parse(readFileSync(GOLDEN, "utf8")) as unknown;
    expect(JSON.parse(JSON.stringify(renderSeedExample()))).toEqual(golden);
  });

  it("renders a core StatefulSet with 2 replicas and a replicant ReplicaSet with 3", () => {
    const objects = renderSeedExample();
    const replicasOf = (kind: string) =>
      (objects.find((o) => o.kind === kind) as { spec?: { replicas?: number } } | undefined)?.spec?.replicas;
    expect(replicasOf("StatefulSet")).toBe(2);
    expect(replicasOf("ReplicaSet")).toBe(3);
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toHaveLength(10);
  });
});
