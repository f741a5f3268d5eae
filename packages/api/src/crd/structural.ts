/**
 * Turns zod 4's OpenAPI-3.0 JSON Schema into a Kubernetes structural schema: `$ref`s inlined,
 * `additionalProperties: false` dropped, loose objects preserving unknown fields, int-or-string unions collapsed to
 * `x-kubernetes-int-or-string`, JavaScript's safe-integer bounds dropped and int32 marked as such.
 */

/** One JSON Schema node. */
export type JsonSchema = { [key: string]: unknown };

/** Keys of Kubernetes' `JSONSchemaProps` we emit; anything else zod writes (`$schema`, `propertyNames`…) is dropped. */
const KEPT = new Set([
  "description",
  "type",
  "format",
  "default",
  "enum",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "required",
  "properties",
  "additionalProperties",
  "items",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-int-or-string",
  "x-kubernetes-validations",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
]);

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const DROPPED_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, INT32_MAX, INT32_MIN]);

/** Thrown when zod produced something with no structural equivalent: a schema bug, caught by the tests. */
export class StructuralSchemaError extends Error {
  constructor(path: string, problem: string) {
    super(`${path || "<root>"}: ${problem}`);
    this.name = "StructuralSchemaError";
  }
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolveRef(node: JsonSchema, root: JsonSchema, path: string): JsonSchema {
  if (typeof node.$ref !== "string") return node;
  const [, section, name] = node.$ref.split("/");
  const defs = root[section ?? ""];
  const target = isSchema(defs) ? defs[name ?? ""] : undefined;
  if (!isSchema(target)) throw new StructuralSchemaError(path, `unresolvable $ref ${node.$ref}`);
  const { $ref: _ref, ...rest } = node;
  return { ...resolveRef(target, root, path), ...rest };
}

/**
 * `anyOf: [{type: integer|number}, {type: string}]` → `x-kubernetes-int-or-string`. The string branch's `pattern`
 * is kept (the apiserver applies it to strings only, as for `resource.Quantity`); numeric bounds are left to zod.
 */
function collapseIntOrString(node: JsonSchema, path: string): JsonSchema {
  const branches = (node.anyOf as unknown[]).filter(isSchema);
  const types = new Set(branches.map((b) => b.type));
  const numeric = branches.find((b) => b.type === "integer" || b.type === "number");
  const text = branches.find((b) => b.type === "string");
  if (branches.length !== 2 || !numeric || !text || types.size !== 2) {
    throw new StructuralSchemaError(path, "only integer-or-string unions have a structural form");
  }
  const { anyOf: _anyOf, ...rest } = node;
  const out: JsonSchema = { ...rest, "x-kubernetes-int-or-string": true };
  if (typeof text.pattern === "string") out.pattern = text.pattern;
  return out;
}

function convertNode(input: JsonSchema, root: JsonSchema, path: string): JsonSchema {
  let node = resolveRef(input, root, path);
  if (Array.isArray(node.anyOf)) node = collapseIntOrString(node, path);
  if ("const" in node) node = { ...node, enum: [node.const] };
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (!KEPT.has(key)) continue;
    if (key === "properties" && isSchema(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, convert(child, root, `${path}.${name}`)]),
      );
    } else if (key === "items") {
      out.items = convert(value, root, `${path}[]`);
    } else if (key === "additionalProperties") {
      if (isSchema(value) && Object.keys(value).length > 0)
        out.additionalProperties = convert(value, root, `${path}.*`);
      else if (value !== false) out["x-kubernetes-preserve-unknown-fields"] = true;
    } else if ((key === "minimum" || key === "maximum") && DROPPED_BOUNDS.has(value as number)) {
      if (node.type === "integer" && key === "maximum") out.format = value === INT32_MAX ? "int32" : "int64";
    } else {
      out[key] = value;
    }
  }
  if (out.type === undefined && out["x-kubernetes-int-or-string"] !== true) {
    throw new StructuralSchemaError(path, "no type (a z.custom without kubeObject meta?)");
  }
  return out;
}

function convert(value: unknown, root: JsonSchema, path: string): JsonSchema {
  if (!isSchema(value)) throw new StructuralSchemaError(path, "expected a schema object");
  return convertNode(value, root, path);
}

/**
 * Converts one zod-generated JSON Schema (with its own `$defs`) into a structural schema.
 *
 * @example toStructural(z.toJSONSchema(EmqxSpecSchema, { target: "openapi-3.0", io: "input", unrepresentable: "any" }))
 */
export function toStructural(schema: JsonSchema): JsonSchema {
  return convert(schema, schema, "");
}
