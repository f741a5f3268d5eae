/** The whole `apps.emqx.io/v2beta1` `EMQX` object. */
import type { V1ManagedFieldsEntry, V1OwnerReference } from "@kubernetes/client-node";
import * as z from "zod";
import { API_VERSION, KIND } from "../names.ts";
import { kubeList, stringMap } from "./kube.ts";
import { EmqxSpecSchema } from "./spec.ts";
import { EmqxStatusSchema } from "./status.ts";

const timestamp = z.union([z.string(), z.date()]);

/**
 * `metadata`, loosely: the fields the reconciler reads are typed, any other field is kept as it is. Timestamps may
 * be RFC 3339 strings (raw JSON) or `Date`s (client-node's typed APIs).
 */
export const EmqxMetadataSchema = z.looseObject({
  name: z.string().min(1, "name must not be empty"),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  generation: z.int().optional(),
  resourceVersion: z.string().optional(),
  labels: stringMap("Labels.").optional(),
  annotations: stringMap("Annotations.").optional(),
  creationTimestamp: timestamp.optional(),
  deletionTimestamp: timestamp.optional(),
  finalizers: z.array(z.string()).optional(),
  ownerReferences: kubeList<V1OwnerReference>("OwnerReference", "Owners.").optional(),
  managedFields: kubeList<V1ManagedFieldsEntry>("ManagedFieldsEntry", "Field managers.").optional(),
});

/**
 * An EMQX custom resource, with the CRD's defaults applied to `spec`.
 *
 * @example const emqx: Emqx = EmqxSchema.parse(yaml.parse(text)); // throws on invalid input; prefer validateEmqx
 */
export const EmqxSchema = z.object({
  apiVersion: z.literal(API_VERSION, `apiVersion must be "${API_VERSION}"`),
  kind: z.literal(KIND, `kind must be "${KIND}"`),
  metadata: EmqxMetadataSchema,
  spec: EmqxSpecSchema,
  status: EmqxStatusSchema.optional(),
});

/** An EMQX object after defaulting: what every consumer works with. */
export type Emqx = z.output<typeof EmqxSchema>;
/** Loosely typed object metadata. */
export type EmqxMetadata = z.output<typeof EmqxMetadataSchema>;
/** What a user may write: the input side of `EmqxSchema` (defaults optional, quantities as numbers or strings). */
export type EmqxInput = z.input<typeof EmqxSchema>;
