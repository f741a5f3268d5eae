/**
 * The `emqxes.apps.emqx.io` CustomResourceDefinition, generated from the zod schemas on every call and never kept
 * as a file, so the CRD and the code that validates and defaults objects cannot drift apart.
 */
import { stringify } from "yaml";
import * as z from "zod";
import { type JsonSchema, toStructural } from "./crd/structural.ts";
import { EmqxSpecSchema } from "./emqx/spec.ts";
import { EmqxStatusSchema } from "./emqx/status.ts";
import {
  CRD_NAME,
  FIELD_MANAGER,
  GROUP,
  KIND,
  LIST_KIND,
  PLURAL,
  SHORT_NAMES,
  SINGULAR,
  VERSION,
} from "./names.ts";

/**
 * The scale subresource, so `kubectl scale emqx/<name> --replicas=N` and a HorizontalPodAutoscaler drive the
 * replicant count (cores hold the data and are scaled by editing the spec).
 *
 * - `specReplicasPath`: replicant replicas, as in the operator. It exists once `replicantTemplate` is declared
 *   (replicas may be 0); on a core-only CR a GET of the scale fails on the missing path, as for any CRD.
 * - `statusReplicasPath`: the operator's points at `.status.replicantNodeReplicas`, which does not exist, so its
 *   scale always reports 0. We use `replicantNodesStatus.readyReplicas`, the replicant nodes observed running —
 *   like a Deployment's `status.replicas` it counts old and new sets during an update.
 * - `labelSelectorPath`: `status.replicantSelector`, the replicant pods' labels as a selector string (see
 *   `replicantSelectorString`), which HPA needs to find the pods whose metrics it averages.
 */
export const SCALE_SUBRESOURCE = {
  specReplicasPath: ".spec.replicantTemplate.spec.replicas",
  statusReplicasPath: ".status.replicantNodesStatus.readyReplicas",
  labelSelectorPath: ".status.replicantSelector",
} as const;

/** `kubectl get emqx` columns, the operator's: the first True condition (newest first, so usually Ready) and age. */
export const PRINTER_COLUMNS = [
  { name: "Status", type: "string", jsonPath: '.status.conditions[?(@.status=="True")].type' },
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
] as const;

const JSON_SCHEMA_OPTIONS = { target: "openapi-3.0", io: "input", unrepresentable: "any" } as const;

function structural(schema: z.ZodType): JsonSchema {
  return toStructural(z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS) as JsonSchema);
}

/** The `openAPIV3Schema` of `v2beta1`. */
export function renderOpenApiSchema(): JsonSchema {
  return {
    type: "object",
    description:
      "An EMQX cluster: core nodes in a StatefulSet, replicant nodes in a ReplicaSet, and their Services.",
    required: ["spec"],
    properties: {
      apiVersion: { type: "string", description: "Versioned schema of this object: apps.emqx.io/v2beta1." },
      kind: { type: "string", description: "Kind of this object: EMQX." },
      metadata: { type: "object" },
      spec: structural(EmqxSpecSchema),
      status: structural(EmqxStatusSchema),
    },
  };
}

/**
 * Renders the CRD as an object.
 *
 * Only `v2beta1` is served. The operator also serves the deprecated `v2alpha1` through its conversion webhook; we
 * run no webhook (nothing runs inside the cluster), and serving `v2alpha1` with `conversion: None` would hand out
 * v2beta1 data under the old version's name. Before replacing the operator's CRD with this one, make sure
 * `status.storedVersions` lists only `v2beta1`: the API server refuses to drop a version that is still stored.
 *
 * @example await kube.apply(renderCrd());
 */
export function renderCrd(): JsonSchema {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: CRD_NAME, labels: { "app.kubernetes.io/managed-by": FIELD_MANAGER } },
    spec: {
      group: GROUP,
      names: {
        kind: KIND,
        listKind: LIST_KIND,
        plural: PLURAL,
        singular: SINGULAR,
        shortNames: [...SHORT_NAMES],
      },
      scope: "Namespaced",
      conversion: { strategy: "None" },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: renderOpenApiSchema() },
          subresources: { status: {}, scale: { ...SCALE_SUBRESOURCE } },
          additionalPrinterColumns: PRINTER_COLUMNS.map((c) => ({ ...c })),
        },
      ],
    },
  };
}

/**
 * Renders the CRD as YAML, for `emqx-reconciler crd | kubectl apply -f -` and the sandbox.
 *
 * @example process.stdout.write(renderCrdYaml());
 */
export function renderCrdYaml(): string {
  return stringify(renderCrd(), { lineWidth: 0 });
}
