/**
 * Condition types, reasons and messages of `.status.conditions`, exact strings of the EMQX Operator 2.2,
 * plus the reconciler's own conditions that report problems without a state change.
 */

export const ConditionType = {
  Initialized: "Initialized",
  CoreNodesProgressing: "CoreNodesProgressing",
  CoreNodesReady: "CoreNodesReady",
  ReplicantNodesProgressing: "ReplicantNodesProgressing",
  ReplicantNodesReady: "ReplicantNodesReady",
  Available: "Available",
  Ready: "Ready",
  /** Ours: `spec` or `config.data` was rejected; status True while the problem lasts. */
  InvalidSpec: "InvalidSpec",
  /** Ours: the EMQX API could not be read; node lists are the last good ones. */
  NodeStatusStale: "NodeStatusStale",
  /**
   * Ours: a StatefulSet / ReplicaSet we created for this generation already no longer matches the desired pod
   * template, so no further set is created for this generation (the new-set circuit breaker).
   */
  TemplateDrift: "TemplateDrift",
  /**
   * Ours: a write of the reconcile keeps failing (the apiserver refuses a child, or the same failure repeats); the
   * reason names the write (`ApplyStatefulSetFailed`), the message the object and the field. Cleared by the first
   * pass whose writes all succeed.
   */
  ReconcileFailed: "ReconcileFailed",
  /**
   * Ours: some of the CR's pods are stuck for a reason waiting will not fix — the scheduler cannot place them
   * (`Unschedulable`), their image cannot be pulled (`ImagePullBackOff`), a container crash-loops
   * (`CrashLoopBackOff`) or cannot be created (`CreateContainerError`); the message names the pods. Removed once no
   * pod is stuck. About pods only: an unreadable EMQX API is `NodeStatusStale`.
   */
  PodsNotReady: "PodsNotReady",
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** Condition types of the operator's state machine, whose first True entry `kubectl get emqx` shows. */
export const LIFECYCLE_CONDITIONS = [
  ConditionType.Initialized,
  ConditionType.CoreNodesProgressing,
  ConditionType.CoreNodesReady,
  ConditionType.ReplicantNodesProgressing,
  ConditionType.ReplicantNodesReady,
  ConditionType.Available,
  ConditionType.Ready,
] as const;

export const ConditionReason = {
  Initialized: "Initialized",
  CoreNodesProgressing: "CoreNodesProgressing",
  CreateNewStatefulSet: "CreateNewStatefulSet",
  UpdateStatefulSet: "UpdateStatefulSet",
  RevertStatefulSet: "RevertStatefulSet",
  CoreNodesReady: "CoreNodesReady",
  ReplicantNodesProgressing: "ReplicantNodesProgressing",
  CreateReplicaSet: "CreateReplicaSet",
  UpdateReplicaSet: "UpdateReplicaSet",
  RevertReplicaSet: "RevertReplicaSet",
  ReplicantNodesReady: "ReplicantNodesReady",
  Available: "Available",
  Ready: "Ready",
  InvalidConfig: "InvalidConfig",
  InvalidSpec: "InvalidSpec",
  /** Ours: the pod templates ask for what the cluster's pod policy forbids (`InvalidSpec` condition). */
  PodTemplateForbidden: "PodTemplateForbidden",
  /** Ours: a `bootstrapAPIKeys[].secretRef` names a Secret that did not consent (`InvalidSpec` condition). */
  SecretRefForbidden: "SecretRefForbidden",
  ApiUnauthorized: "ApiUnauthorized",
  ApiUnavailable: "ApiUnavailable",
  /** Ours: the https dashboard's certificate did not verify against the CA the CR trusts (or no CA was given). */
  ApiCertificateUntrusted: "ApiCertificateUntrusted",
  TemplateDrift: "TemplateDrift",
  /** `PodsNotReady` reasons, worst first: the first one any stuck pod has is the condition's reason. */
  Unschedulable: "Unschedulable",
  ImagePullBackOff: "ImagePullBackOff",
  CrashLoopBackOff: "CrashLoopBackOff",
  CreateContainerError: "CreateContainerError",
} as const;
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];

/** The operator's messages, keyed by reason. */
export const ConditionMessage: Partial<Record<ConditionReason, string>> = {
  Initialized: "initialized EMQX cluster",
  CoreNodesProgressing: "Core nodes progressing",
  CreateNewStatefulSet: "Create new statefulSet",
  UpdateStatefulSet: "Update exist statefulSet",
  RevertStatefulSet: "Revert to current statefulSet",
  CoreNodesReady: "Core nodes is ready",
  ReplicantNodesProgressing: "Replicant nodes progressing",
  CreateReplicaSet: "Create new replicaSet",
  UpdateReplicaSet: "Update exist replicaSet",
  RevertReplicaSet: "Revert to current replicaSet",
  ReplicantNodesReady: "Replicant nodes ready",
  Available: "Cluster is available",
  Ready: "Cluster is ready",
};
