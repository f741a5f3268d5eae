import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { JsonSchema } from "../src/crd/structural.ts";
import { PRINTER_COLUMNS, renderCrd, renderCrdYaml, SCALE_SUBRESOURCE } from "../src/crd.ts";
import { EmqxSpecSchema } from "../src/emqx/spec.ts";
import { PDB_EXCLUSIVE_MESSAGE, PDB_EXCLUSIVE_RULE } from "../src/emqx/templates.ts";
import { IMAGE } from "./fixtures.ts";

type Node = JsonSchema & { properties?: Record<string, Node>; items?: Node; additionalProperties?: Node };

const crd = renderCrd() as {
  spec: {
    versions: Array<
      { name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: Node } } & JsonSchema
    >;
  };
};
const [version] = crd.spec.versions;
const root = version?.schema.openAPIV3Schema as Node;

/** Every schema node with its dotted path. */
function* walk(node: Node, path = ""): Generator<[string, Node]> {
  yield [path, node];
  for (const [name, child] of Object.entries(node.properties ?? {})) yield* walk(child, `${path}.${name}`);
  if (node.items) yield* walk(node.items, `${path}[]`);
  if (node.additionalProperties) yield* walk(node.additionalProperties, `${path}.*`);
}

function at(path: string): Node | undefined {
  return path
    .split(".")
    .filter(Boolean)
    .reduce<Node | undefined>((node, key) => node?.properties?.[key], root);
}

/** The API server's structural defaulting: a default is applied only where the parent exists, then recursed into. */
function applyCrdDefaults(value: unknown, schema: Node): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => (schema.items ? applyCrdDefaults(v, schema.items) : v));
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (out[key] === undefined && child.default !== undefined) out[key] = structuredClone(child.default);
    if (out[key] !== undefined) out[key] = applyCrdDefaults(out[key], child);
  }
  return out;
}

describe("renderCrd", () => {
  it("registers apps.emqx.io/v2beta1 EMQX like the operator, serving only v2beta1", () => {
    expect(crd).toMatchObject({
      metadata: { name: "emqxes.apps.emqx.io" },
      spec: {
        group: "apps.emqx.io",
        scope: "Namespaced",
        names: {
          kind: "EMQX",
          listKind: "EMQXList",
          plural: "emqxes",
          singular: "emqx",
          shortNames: ["emqx"],
        },
      },
    });
    expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([["v2beta1", true, true]]);
  });

  it("is structural: no $ref, no anyOf, no additionalProperties false, a type or int-or-string everywhere", () => {
    const text = JSON.stringify(root);
    expect(text).not.toContain("$ref");
    expect(text).not.toContain("anyOf");
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    for (const [path, node] of walk(root)) {
      expect(node.additionalProperties, path).not.toBe(false);
      expect(node.type !== undefined || node["x-kubernetes-int-or-string"] === true, path).toBe(true);
    }
  });

  it("describes every property (root metadata excepted: the apiserver owns its schema)", () => {
    const missing = [...walk(root)].filter(
      ([path, node]) => path !== "" && path !== ".metadata" && !node.description,
    );
    expect(missing.map(([path]) => path).filter((p) => !p.endsWith("[]") && !p.endsWith(".*"))).toEqual([]);
  });

  it("uses int-or-string for PDB settings and quantities", () => {
    for (const role of ["coreTemplate", "replicantTemplate"]) {
      for (const field of ["minAvailable", "maxUnavailable"]) {
        expect(at(`spec.${role}.spec.${field}`)?.["x-kubernetes-int-or-string"]).toBe(true);
      }
      const requests = at(`spec.${role}.spec.resources.requests`);
      expect(requests?.additionalProperties?.["x-kubernetes-int-or-string"]).toBe(true);
    }
  });

  it("preserves unknown fields only in embedded Kubernetes objects", () => {
    const preserved = [...walk(root)]
      .filter(([, n]) => n["x-kubernetes-preserve-unknown-fields"])
      .map(([p]) => p);
    expect(preserved).toContain(".spec.coreTemplate.spec.affinity");
    expect(preserved).toContain(".spec.coreTemplate.spec.volumeClaimTemplates");
    expect(preserved).toContain(".spec.dashboardServiceTemplate.spec");
    expect(
      preserved.filter((p) => /^\.spec(\.(coreTemplate|replicantTemplate)(\.spec)?)?$|^\.status/.test(p)),
    ).toEqual([]);
  });

  it("marks int32 fields and keeps the replicas minimum of 0", () => {
    expect(at("spec.coreTemplate.spec.replicas")).toMatchObject({
      type: "integer",
      format: "int32",
      minimum: 0,
      default: 2,
    });
    expect(at("spec.coreTemplate.spec.replicas")).not.toHaveProperty("maximum");
  });

  it("carries the operator's CEL rule on both template specs", () => {
    for (const role of ["coreTemplate", "replicantTemplate"]) {
      expect(at(`spec.${role}.spec`)?.["x-kubernetes-validations"]).toEqual([
        { rule: PDB_EXCLUSIVE_RULE, message: PDB_EXCLUSIVE_MESSAGE },
      ]);
    }
  });

  it("has the operator's printer columns", () => {
    expect(version?.additionalPrinterColumns).toEqual([
      { name: "Status", type: "string", jsonPath: '.status.conditions[?(@.status=="True")].type' },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ]);
    expect(PRINTER_COLUMNS).toHaveLength(2);
  });

  it("has a scale subresource whose paths exist with the right types", () => {
    expect(version?.subresources).toEqual({ status: {}, scale: SCALE_SUBRESOURCE });
    const field = (p: string) => at(p.slice(1));
    expect(field(SCALE_SUBRESOURCE.specReplicasPath)).toMatchObject({ type: "integer" });
    expect(field(SCALE_SUBRESOURCE.statusReplicasPath)).toMatchObject({ type: "integer" });
    expect(field(SCALE_SUBRESOURCE.labelSelectorPath)).toMatchObject({ type: "string" });
    // A declared template without replicas gets the path through the field-level default.
    expect(
      applyCrdDefaults({ image: IMAGE, replicantTemplate: { metadata: {} } }, at("spec") as Node),
    ).toMatchObject({
      replicantTemplate: { spec: { replicas: 0 } },
    });
    // No replicantTemplate is invented for a core-only CR (the operator's CRD has no such default either).
    expect(applyCrdDefaults({ image: IMAGE }, at("spec") as Node)).not.toHaveProperty("replicantTemplate");
  });

  it.each([
    ["no templates", {}],
    ["core spec without replicas", { coreTemplate: { spec: {} } }],
    ["core metadata only", { coreTemplate: { metadata: { labels: { a: "b" } } } }],
    ["replicant metadata only", { replicantTemplate: { metadata: {} } }],
    ["updateStrategy with a delay only", { updateStrategy: { initialDelaySeconds: 5 } }],
    ["empty evacuation strategy", { updateStrategy: { evacuationStrategy: {} } }],
    ["config without mode", { config: { data: "a = 1" } }],
    ["Service template", { listenersServiceTemplate: { spec: { type: "NodePort" } } }],
  ])("declares the same defaults the code applies: %s", (_name, spec) => {
    const input = { image: IMAGE, ...spec };
    expect(applyCrdDefaults(input, at("spec") as Node)).toEqual(EmqxSpecSchema.parse(input));
  });

  it("renders YAML that reads back as the same object", () => {
    expect(parse(renderCrdYaml())).toEqual(renderCrd());
  });
});
