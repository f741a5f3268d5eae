/**
 * `spec` of `apps.emqx.io/v2beta1` `EMQX`, with the JSON names of the operator.
 *
 * `EmqxSpec` is the type after the CRD's defaults are applied, so `replicas`, probes, security contexts,
 * `clusterDomain`, `revisionHistoryLimit` and `updateStrategy` are always there.
 */
import type { V1LocalObjectReference, V1ServiceSpec } from "@kubernetes/client-node";
import * as z from "zod";
import { CONTROLLER_API_KEY } from "../names.ts";
import {
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_CONFIG_MODE,
  DEFAULT_EVICT_RATE,
  DEFAULT_REVISION_HISTORY_LIMIT,
  DEFAULT_UPDATE_STRATEGY_TYPE,
  defaultUpdateStrategy,
} from "./defaults.ts";
import { kubeList, kubeObject, TemplateMetadataSchema } from "./kube.ts";
import { EmqxCoreTemplateSchema, EmqxReplicantTemplateSchema } from "./templates.ts";

const API_KEY_PATTERN = /^[a-zA-Z0-9_-]+$/;
const API_KEY_RULE = "may contain only letters, digits, '-' and '_'";

const KeyRefSchema = z
  .object({
    secretName: z
      .string()
      .min(1, "secretName is required")
      .describe("Name of a Secret in the same namespace."),
    secretKey: z
      .string()
      .regex(API_KEY_PATTERN, `secretKey ${API_KEY_RULE}`)
      .describe("Key inside that Secret."),
  })
  .describe("A key of a Secret in the namespace of the EMQX object.");

/** Key-or-secretRef consistency, also stated as a CEL rule in the CRD. */
export const BOOTSTRAP_KEY_FORM_MESSAGE = "set either key and secret, or secretRef, not both";
const BOOTSTRAP_KEY_FORM_RULE =
  "has(self.secretRef) ? !has(self.key) && !has(self.secret) : has(self.key) && has(self.secret)";

/** An extra API key written into the bootstrap-key Secret once, when the cluster is created. */
export const BootstrapApiKeySchema = z
  .object({
    key: z.string().regex(API_KEY_PATTERN, `key ${API_KEY_RULE}`).optional().describe("API key name."),
    secret: z
      .string()
      .min(3, "secret must have at least 3 characters")
      .max(128, "secret must have at most 128 characters")
      .optional()
      .describe("API secret, 3 to 128 characters."),
    secretRef: z
      .object({ key: KeyRefSchema, secret: KeyRefSchema })
      .optional()
      .describe("Read the key and the secret from Secrets instead of writing them here."),
  })
  .superRefine((entry, ctx) => {
    const literal = entry.key !== undefined || entry.secret !== undefined;
    if (entry.secretRef !== undefined ? literal : entry.key === undefined || entry.secret === undefined) {
      ctx.addIssue({ code: "custom", message: BOOTSTRAP_KEY_FORM_MESSAGE });
    }
    if (entry.key === CONTROLLER_API_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["key"],
        message: `key "${CONTROLLER_API_KEY}" is reserved for the reconciler`,
      });
    }
  })
  .meta({
    description:
      "An API key for the EMQX HTTP API, given literally or by reference. Only read when the cluster is created.",
    "x-kubernetes-validations": [{ rule: BOOTSTRAP_KEY_FORM_RULE, message: BOOTSTRAP_KEY_FORM_MESSAGE }],
  });

/** Template of the dashboard or listeners Service. */
export const ServiceTemplateSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe("Whether the Service is generated. An existing Service is kept."),
    metadata: TemplateMetadataSchema.optional(),
    spec: kubeObject<V1ServiceSpec>(
      "ServiceSpec",
      "Service spec. The selector is always set by the reconciler and the EMQX ports are merged in.",
    ).optional(),
  })
  .describe("Template of a Service in front of the EMQX pods.");

const EvacuationStrategySchema = z
  .object({
    waitTakeover: z
      .int32()
      .min(0, "waitTakeover must be 0 or more")
      .optional()
      .describe("Seconds to wait for sessions to be taken over, and between pod deletions of the old set."),
    connEvictRate: z
      .int32()
      .min(1, "connEvictRate must be 1 or more")
      .default(DEFAULT_EVICT_RATE)
      .describe("Connections evicted per second during node evacuation (Enterprise)."),
    sessEvictRate: z
      .int32()
      .min(1, "sessEvictRate must be 1 or more")
      .default(DEFAULT_EVICT_RATE)
      .describe("Sessions evicted per second during node evacuation (Enterprise)."),
  })
  .describe("How clients are moved off the old nodes during an update.");

const UpdateStrategySchema = z
  .object({
    type: z
      .enum([DEFAULT_UPDATE_STRATEGY_TYPE])
      .default(DEFAULT_UPDATE_STRATEGY_TYPE)
      .describe("Always Recreate (blue-green)."),
    initialDelaySeconds: z
      .int32()
      .min(0, "initialDelaySeconds must be 0 or more")
      .optional()
      .describe("Seconds the new nodes must have been Available before the old ones are scaled down."),
    evacuationStrategy: EvacuationStrategySchema.optional(),
  })
  .prefault(defaultUpdateStrategy)
  .describe(
    "Blue-green update settings. Absent means Recreate, 10 s initial delay, waitTakeover 10, rates 1000.",
  );

const ConfigSchema = z
  .object({
    mode: z
      .enum(["Merge", "Replace"], 'mode must be "Merge" or "Replace"')
      .default(DEFAULT_CONFIG_MODE)
      .describe("How config changes are applied to the running cluster: Merge or Replace."),
    data: z.string().optional().describe("EMQX configuration in HOCON, written to emqx.conf."),
  })
  .describe("EMQX configuration.");

/** `spec` of the EMQX custom resource. */
export const EmqxSpecSchema = z
  .object({
    image: z.string().min(1, "image must not be empty").describe("EMQX container image."),
    imagePullPolicy: z
      .enum(
        ["Always", "Never", "IfNotPresent"],
        'imagePullPolicy must be "Always", "Never" or "IfNotPresent"',
      )
      .optional()
      .describe("Pull policy of the EMQX image."),
    imagePullSecrets: kubeList<V1LocalObjectReference>(
      "LocalObjectReference",
      "Secrets to pull the image with.",
    ).optional(),
    serviceAccountName: z.string().optional().describe("Service account of the EMQX pods."),
    bootstrapAPIKeys: z
      .array(BootstrapApiKeySchema)
      .optional()
      .describe("Extra API keys, written once when the cluster is created; later changes are not applied."),
    config: ConfigSchema.optional(),
    clusterDomain: z
      .string()
      .min(1)
      .default(DEFAULT_CLUSTER_DOMAIN)
      .describe("DNS domain of the Kubernetes cluster, used in core node names."),
    revisionHistoryLimit: z
      .int32()
      .min(0, "revisionHistoryLimit must be 0 or more")
      .default(DEFAULT_REVISION_HISTORY_LIMIT)
      .describe("How many old, scaled-down StatefulSets and ReplicaSets are kept."),
    updateStrategy: UpdateStrategySchema,
    coreTemplate: EmqxCoreTemplateSchema,
    replicantTemplate: EmqxReplicantTemplateSchema.optional(),
    dashboardServiceTemplate: ServiceTemplateSchema.optional().describe(
      "Template of the <name>-dashboard Service.",
    ),
    listenersServiceTemplate: ServiceTemplateSchema.optional().describe(
      "Template of the <name>-listeners Service.",
    ),
  })
  .describe("Desired state of the EMQX cluster.");

/** `spec` after the CRD defaults: replicas, probes, security contexts, updateStrategy… are always set. */
export type EmqxSpec = z.output<typeof EmqxSpecSchema>;
/** One `spec.bootstrapAPIKeys` entry. */
export type BootstrapApiKey = z.output<typeof BootstrapApiKeySchema>;
/** `dashboardServiceTemplate` / `listenersServiceTemplate`, `enabled` defaulted. */
export type ServiceTemplate = z.output<typeof ServiceTemplateSchema>;
