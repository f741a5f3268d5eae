/** The `rebalances.apps.emqx.io` CustomResourceDefinition, generated from the zod schemas like the EMQX one. */
import { stringify } from "yaml";
import * as z from "zod";
import { type JsonSchema, toStructural } from "../crd/structural.ts";
import { FIELD_MANAGER, GROUP, VERSION } from "../names.ts";
import {
  REBALANCE_CRD_NAME,
  REBALANCE_KIND,
  REBALANCE_LIST_KIND,
  REBALANCE_PLURAL,
  REBALANCE_SINGULAR,
  RebalanceSpecSchema,
  RebalanceStatusSchema,
} from "./schema.ts";

function structural(schema: z.ZodType): JsonSchema {
  return toStructural(
    z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", unrepresentable: "any" }) as JsonSchema,
  );
}

/**
 * Renders the Rebalance CRD: `v2beta1` served and stored, status subresource, the operator's `Status` column. The
 * spec is immutable, as the operator's webhook makes it (here a CEL rule, since nothing runs in the cluster).
 *
 * @example await kube.apply(renderRebalanceCrd());
 */
export function renderRebalanceCrd(): JsonSchema {
  const spec = structural(RebalanceSpecSchema);
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: REBALANCE_CRD_NAME, labels: { "app.kubernetes.io/managed-by": FIELD_MANAGER } },
    spec: {
      group: GROUP,
      names: {
        kind: REBALANCE_KIND,
        listKind: REBALANCE_LIST_KIND,
        plural: REBALANCE_PLURAL,
        singular: REBALANCE_SINGULAR,
      },
      scope: "Namespaced",
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: "Moves connections and sessions between the nodes of one EMQX Enterprise cluster.",
              required: ["spec"],
              properties: {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                metadata: { type: "object" },
                spec: {
                  ...spec,
                  "x-kubernetes-validations": [
                    { rule: "self == oldSelf", message: "the Rebalance spec don't allow update" },
                  ],
                },
                status: structural(RebalanceStatusSchema),
              },
            },
          },
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: "Status", type: "string", jsonPath: ".status.phase" },
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
          ],
        },
      ],
    },
  };
}

/** The Rebalance CRD as YAML. */
export function renderRebalanceCrdYaml(): string {
  return stringify(renderRebalanceCrd(), { lineWidth: 0 });
}
