/** Every EMQX example of the repo's examples/ folder validates unchanged. */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { validateEmqx } from "../src/validate.ts";

const EXAMPLES = new URL("../../../examples/", import.meta.url);

function emqxDocuments(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((obj) => (obj as { kind?: unknown } | null)?.kind === "EMQX");
}

function collect(): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = [];
  for (const file of readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f))) {
    for (const obj of emqxDocuments(readFileSync(new URL(file, EXAMPLES), "utf8")))
      found.push([`examples/${file}`, obj]);
  }
  return found;
}

const examples = collect();

describe("EMQX examples", () => {
  it("finds examples to check", () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples)("%s validates unchanged", (_source, obj) => {
    const result = validateEmqx(obj);
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it("the seed example is the 2-core / 3-replicant cluster of the issue", () => {
    // Prepare
    const seed = emqxDocuments(readFileSync(new URL("emqx-core-replicant.yaml", EXAMPLES), "utf8"))[0];
    // Act
    const result = validateEmqx(seed);
    // Assess
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const { spec, metadata } = result.emqx;
    expect(metadata.name).toBe("emqx");
    expect(spec.image).toBe("emqx/emqx:6.0.1");
    expect(spec.config?.data).toMatch(/license\s*\{\s*key\s*=\s*"[^"]+"\s*\}/);
    expect(spec.coreTemplate.spec.replicas).toBe(2);
    expect(spec.coreTemplate.spec.resources?.requests).toEqual({ cpu: "250m", memory: "512Mi" });
    expect(spec.replicantTemplate?.spec.replicas).toBe(3);
    expect(spec.replicantTemplate?.spec.resources?.requests).toEqual({ cpu: "250m", memory: "1Gi" });
    expect(spec.dashboardServiceTemplate?.spec?.type).toBe("LoadBalancer");
  });
});
