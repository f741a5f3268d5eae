/**
 * Schema helpers for the Kubernetes types the EMQX spec embeds (affinity, probes, volumes, …).
 *
 * They are validated loosely (any JSON object) because the API server and the kubelet validate them again where
 * they land, but they are typed with `@kubernetes/client-node`'s `V1*` models so consumers get real types. In the
 * CRD they become `type: object` with `x-kubernetes-preserve-unknown-fields: true`, which keeps every field the
 * user wrote (the operator's CRD has full schemas there; preserving is the loose equivalent of that).
 */
import * as z from "zod";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A loosely validated, precisely typed embedded Kubernetes object.
 *
 * @example const AffinitySchema = kubeObject<V1Affinity>("Affinity", "Scheduling constraints of the pods.");
 */
export function kubeObject<T extends object>(kind: string, description: string) {
  return z
    .custom<T>(isPlainObject, { error: `expected a Kubernetes ${kind} object` })
    .meta({ description, type: "object", "x-kubernetes-preserve-unknown-fields": true });
}

/** A list of loosely validated, precisely typed Kubernetes objects. */
export function kubeList<T extends object>(kind: string, description: string) {
  return z.array(kubeObject<T>(kind, `A Kubernetes ${kind}.`)).describe(description);
}

/**
 * Kubernetes `IntOrString` as used by PodDisruptionBudgets: a non-negative integer or a percentage like `"50%"`.
 * Rendered as `x-kubernetes-int-or-string: true` in the CRD.
 */
export function intOrPercent(description: string) {
  return z
    .union([
      z.int32().min(0, "must be 0 or more"),
      z.string().regex(/^\d+%$/, 'must be a whole number or a percentage such as "50%"'),
    ])
    .describe(description);
}

/** The Kubernetes quantity grammar (`resource.Quantity`), as the apiserver's OpenAPI states it. */
export const QUANTITY_PATTERN =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

/**
 * A resource quantity (`250m`, `1Gi`, `2`). YAML numbers are accepted and normalised to strings, so the inferred
 * type is the `string` client-node uses.
 */
export const QuantitySchema = z
  .union([
    z.number(),
    z.string().regex(QUANTITY_PATTERN, 'must be a Kubernetes quantity such as "250m" or "1Gi"'),
  ])
  .transform((q) => String(q))
  .describe("A Kubernetes resource quantity, such as 250m or 1Gi.");

/** String-to-string maps: labels, annotations, node selectors. */
export function stringMap(description: string) {
  return z.record(z.string(), z.string()).describe(description);
}

/**
 * `ObjectMeta` of the templates: the operator uses only `labels` and `annotations`; `name` and `namespace` are
 * accepted and ignored, like the operator does.
 */
export const TemplateMetadataSchema = z
  .object({
    name: z.string().optional().describe("Ignored; the reconciler names every object itself."),
    namespace: z
      .string()
      .optional()
      .describe("Ignored; every object lives in the namespace of the EMQX object."),
    labels: stringMap(
      "Labels added to the objects made from this template. They cannot override the apps.emqx.io/* labels.",
    ).optional(),
    annotations: stringMap("Annotations added to the objects made from this template.").optional(),
  })
  .describe("Labels and annotations for the objects made from this template.");
