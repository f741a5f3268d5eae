/** Reasons of the Kubernetes Events the reconciler records on the CR (the operator's reasons, plus ours). */
export const EventReason = {
  InvalidConfig: "InvalidConfig",
  InvalidSpec: "InvalidSpec",
  /** Ours: the pod templates ask for what the cluster's pod policy forbids; the message names the field paths. */
  PodTemplateForbidden: "PodTemplateForbidden",
  /** Ours: a `bootstrapAPIKeys[].secretRef` names a Secret without the bootstrap-api-key-for annotation. */
  SecretRefForbidden: "SecretRefForbidden",
  ReconcilerFailed: "ReconcilerFailed",
  GetBootStrapSecretRef: "GetBootStrapSecretRef",
  FailedToGetNodeStatuses: "FailedToGetNodeStatuses",
  FailedToGetNodeEvacuationStatuses: "FailedToGetNodeEvacuationStatuses",
  WontUpdateReadOnlyConfig: "WontUpdateReadOnlyConfig",
  NodeEvacuation: "NodeEvacuation",
  /** Ours: a child was created, updated or deleted. */
  Created: "Created",
  Updated: "Updated",
  Deleted: "Deleted",
  Scaled: "Scaled",
  ConfigUpdated: "ConfigUpdated",
  Ready: "Ready",
  /** Ours: a scale request changed the CR's replicas; the message names who asked. */
  ScaleRequested: "ScaleRequested",
  /** Ours: a scale request was refused (bounds, cores below 1); the message names who asked and why. */
  ScaleRequestRefused: "ScaleRequestRefused",
  /** Ours: the connection autoscaler decided to scale replicants; the message gives the load and the rule. */
  AutoscaleDecided: "AutoscaleDecided",
  /** Ours: the CR's `autoscale.apps.emqx.io/*` annotations cannot be read; the message names the bad one. */
  AutoscaleInvalid: "AutoscaleInvalid",
  /** Ours: the new-set circuit breaker stopped creating sets (see `ConditionType.TemplateDrift`). */
  TemplateDrift: "TemplateDrift",
  /** Ours: a deleted generated Secret was recreated with the values the running pods use. */
  CredentialsRestored: "CredentialsRestored",
  /** Ours: a deleted generated Secret had to get new values while pods of the CR run with the old ones. */
  CredentialsRegenerated: "CredentialsRegenerated",
  /** Ours: pods are stuck (see `ConditionType.PodsNotReady`); the message names the pods and the reason. */
  PodsNotReady: "PodsNotReady",
  /** Ours: replicant pods were chosen to leave a replicant scale-down; the message names them and the rule. */
  ReplicantsLeaving: "ReplicantsLeaving",
  /** Ours: the audit record of a pass that wrote: the objects, field paths, plan steps and the hint. */
  ReconcileApplied: "ReconcileApplied",
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];

/** Name the Events carry as `reportingController` / `source.component`. */
export const EVENT_SOURCE = "emqx-reconciler";
