import { describe, expect, it } from "vitest";
import * as z from "zod";
import { StructuralSchemaError, toStructural } from "../../src/crd/structural.ts";
import { kubeObject } from "../../src/emqx/kube.ts";

const jsonSchema = (schema: z.ZodType) =>
  toStructural(
    z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", unrepresentable: "any" }) as never,
  );

describe("toStructural", () => {
  it("inlines $ref definitions", () => {
    const converted = toStructural({
      type: "object",
      properties: { a: { $ref: "#/$defs/A", description: "an A" } },
      $defs: { A: { type: "string" } },
    });
    expect(converted).toEqual({ type: "object", properties: { a: { type: "string", description: "an A" } } });
  });

  it("drops additionalProperties false and keeps typed maps", () => {
    const strict = jsonSchema(z.strictObject({ m: z.record(z.string(), z.string()).describe("m") }));
    expect(strict).toEqual({
      type: "object",
      properties: { m: { type: "object", additionalProperties: { type: "string" }, description: "m" } },
      required: ["m"],
    });
  });

  it("turns loose objects into preserve-unknown-fields", () => {
    expect(jsonSchema(z.looseObject({}))).toEqual({
      type: "object",
      properties: {},
      "x-kubernetes-preserve-unknown-fields": true,
    });
    expect(jsonSchema(kubeObject("Affinity", "a"))).toEqual({
      type: "object",
      description: "a",
      "x-kubernetes-preserve-unknown-fields": true,
    });
  });

  it("collapses integer-or-string unions and keeps the string pattern", () => {
    const converted = jsonSchema(z.union([z.int32(), z.string().regex(/^\d+%$/)]).describe("pdb"));
    expect(converted).toEqual({ description: "pdb", "x-kubernetes-int-or-string": true, pattern: "^\\d+%$" });
  });

  it("drops JavaScript's integer bounds and marks int32 / int64", () => {
    expect(jsonSchema(z.int32())).toEqual({ type: "integer", format: "int32" });
    expect(jsonSchema(z.int32().min(1))).toEqual({ type: "integer", format: "int32", minimum: 1 });
    expect(jsonSchema(z.int())).toEqual({ type: "integer", format: "int64" });
  });

  it("turns const into a one-value enum", () => {
    expect(jsonSchema(z.literal("EMQX"))).toEqual({ type: "string", enum: ["EMQX"] });
  });

  it("refuses unions it cannot express and nodes without a type", () => {
    expect(() => jsonSchema(z.union([z.string(), z.boolean()]))).toThrow(StructuralSchemaError);
    expect(() => jsonSchema(z.object({ x: z.custom<object>() }))).toThrow(".x: no type");
  });
});
