/**
 * The contract between the pure `plan` and the reconcile workflow that feeds it and carries out its result.
 *
 * The workflow reads the observed state (Kubernetes objects owned by one EMQX CR, and what the EMQX API says), calls
 * `plan(input)` and performs the returned writes in this order: `create` → `apply` (in list order) → `delete` →
 * `podAnnotations` → `scale` → `forceLeave` → `podConditions` → `evacuation` → `configPush` → `crAnnotations` (only after the
 * push succeeded) → status (only when `statusChanged`) → `events`. Every write is idempotent or guarded (SSA with
 * our field manager, create-only, UID preconditions, resourceVersion guards), so a pass that dies half-way is
 * simply repeated by the next hint.
 */
import type {
  EmqxStatus,
  Limits,
  NodeEvacuationStatus,
  PodPolicy,
  SecretRefPolicy,
} from "@emqx-reconciler/api";
import type {
  KubernetesObject,
  V1ConfigMap,
  V1ObjectMeta,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Service,
  V1StatefulSet,
} from "@kubernetes/client-node";

/** A timestamp as the workflow has it: a `Date` from client-node, or the RFC 3339 string of the wire format. */
export type Timestamp = Date | string;

/**
 * The EMQX CR exactly as read from the apiserver. `plan` validates `spec` itself (zod, with defaults), so an
 * invalid spec becomes a condition and an event instead of an exception in the workflow.
 */
export interface EmqxObject {
  apiVersion?: string;
  kind?: string;
  metadata: V1ObjectMeta;
  spec?: unknown;
  status?: unknown;
}

/** A Secret seen by presence only: `plan` never needs the values of the Secrets it owns. */
export interface SecretPresence {
  name: string;
  uid?: string;
  resourceVersion?: string;
  /** Its `apps.emqx.io/credentials-generation` annotation, when set (a label of the values, never a value). */
  credentialsGeneration?: string;
}

/**
 * Values of the Secrets named by `spec.bootstrapAPIKeys[].secretRef`, keyed by Secret name, each the decoded
 * `data` map; `null` when the Secret does not exist. Only read when the bootstrap Secret must be created (see
 * `needsReferencedSecrets`); otherwise pass `{}`.
 */
export type ReferencedSecretValues = Record<string, Record<string, string> | null>;

/**
 * The `apps.emqx.io/bootstrap-api-key-for` annotation of each referenced Secret that exists (absent: none), read
 * with {@link ReferencedSecretValues}.
 */
export type ReferencedSecretConsent = Record<string, string | undefined>;

/** One `SuccessfulDelete` Event a StatefulSet or ReplicaSet controller recorded for a set (waitTakeover clock). */
export interface SetDeleteEvent {
  /** `involvedObject.name`: the set whose pod was deleted. */
  setName: string;
  /** `lastTimestamp`, else `eventTime`, else `firstTimestamp` of the Event. */
  at: Timestamp;
}

/**
 * Everything the workflow read from Kubernetes for one CR: the children labelled `apps.emqx.io/instance=<name>`
 * (and `managed-by`) in the CR's namespace. Lists may be empty, never absent.
 */
export interface Observed {
  /** Core StatefulSets, every revision. */
  statefulSets: V1StatefulSet[];
  /** Replicant ReplicaSets, every revision. */
  replicaSets: V1ReplicaSet[];
  /** Pods of both roles, including terminating ones. */
  pods: V1Pod[];
  /**
   * Headless, dashboard and listeners Services that exist. Not read by `plan` (it applies them declaratively);
   * kept for a workflow that compares `apply` with the live objects to skip no-op applies.
   */
  services: V1Service[];
  /** `<name>-configs`, when it exists. Not read by `plan` (see `services`). */
  configMap?: V1ConfigMap;
  /** `<name>-bootstrap-api-key` and `<name>-node-cookie`, when they exist. */
  secrets: SecretPresence[];
  /** `<name>-core` / `<name>-replicant` PodDisruptionBudgets. Not read by `plan` (see `services`). */
  pdbs: V1PodDisruptionBudget[];
  /** PVCs labelled as core data of this CR (only metadata is used), so old sets' PVCs can be deleted with them. */
  persistentVolumeClaims: V1PersistentVolumeClaim[];
  /** `SuccessfulDelete` Events of this CR's sets; only needed while an old set is being scaled down. */
  deleteEvents: SetDeleteEvent[];
  /** See {@link ReferencedSecretValues}. */
  referencedSecretValues: ReferencedSecretValues;
  /** See {@link ReferencedSecretConsent}; absent: no referenced Secret consented. */
  referencedSecretConsent?: ReferencedSecretConsent;
  /**
   * The credentials the running cluster uses, read only when `credentialSource` (core) names a source: from
   * `<name>-reconciler-state` while a generated Secret is missing, or from the generated Secrets themselves while
   * the state Secret is missing. Absent otherwise. Never copied into status, annotations or event messages.
   */
  knownCredentials?: KnownCredentials;
}

/** See {@link Observed.knownCredentials}; a value is absent when its source did not hold it. */
export interface KnownCredentials {
  /** The `emqx-operator-controller` API secret. */
  password?: string;
  /** The `node_cookie` value of `<name>-node-cookie`. */
  cookie?: string;
}

/** One entry of `GET /api/v5/nodes`, the fields `plan` uses (unknown extra fields may be present). */
export interface ApiNode {
  /** `name@host`: `emqx@<pod>.<name>-headless.<ns>.svc.<domain>` for cores, `emqx@<podIP>` for replicants. */
  node: string;
  /** `running` or `stopped` (compared case-insensitively: EMQX 5.0.0 capitalised it). */
  node_status: string;
  /** `core` or `replicant`; absent only on EMQX 5.0 stopped nodes, which are cores. */
  role?: string;
  version?: string;
  edition?: string;
  otp_release?: string;
  /** Sessions held on the node (EMQX's name). */
  connections?: number;
  /** MQTT clients connected now (EMQX ≥ 5.1). */
  live_connections?: number;
}

/** Result of `GET /api/v5/load_rebalance/availability_check` on one pod's own IP. */
export type Availability = "ok" | "unavailable" | "unknown";

/**
 * Why the EMQX API could not be read. `unauthorized` is credential drift (#1268), not worth a fast retry;
 * `untrusted-certificate` is an https dashboard whose certificate did not verify (CA, host name or validity).
 */
export type ApiErrorKind =
  | "unauthorized"
  | "unavailable"
  | "timeout"
  | "bad-response"
  | "untrusted-certificate";

/** What the EMQX API said for this CR, or why it could not say anything. */
export type EmqxView =
  /** No core pod is ContainersReady with an IP, so there is nobody to ask (normal while a cluster starts). */
  | { state: "unreachable-no-ready-core" }
  /** Every candidate endpoint failed; `message` is for humans and must not contain credentials. */
  | { state: "error"; kind: ApiErrorKind; message: string }
  | {
      state: "ok";
      /** `GET /api/v5/nodes`, unfiltered: `plan` matches nodes to this CR's pods itself. */
      nodes: ApiNode[];
      /** `GET /api/v5/configs` (text/plain) when `ApiReads.liveConfig`; Service ports come from it. */
      liveConfig?: string;
      /** `global_status.evacuations` when `ApiReads.evacuations`; absent means "not read", not "none". */
      evacuations?: NodeEvacuationStatus[];
      /** availability_check per pod UID, for the pods `ApiReads.availabilityChecks` named. */
      availability?: Record<string, Availability>;
    };

/** Input of {@link Plan}: one CR, its observed state, and the clock and randomness `plan` may not fetch itself. */
export interface PlanInput {
  /** The CR as read (not yet validated). */
  emqx: EmqxObject;
  observed: Observed;
  api: EmqxView;
  /** The pass's clock reading. */
  now: Timestamp;
  /**
   * Fresh random values, used only when the matching Secret must be created: `password` (64 chars of `[a-z0-9]`)
   * for the `emqx-operator-controller` API key, `cookie` for the node cookie when `config.data` sets none.
   */
  random: { password: string; cookie: string };
  /** Policy limits for the spec validation (`maxReplicas`, `maxConfigBytes`); api's `DEFAULT_LIMITS` otherwise. */
  limits?: Partial<Limits>;
  /** The cluster's pod-template policy; `open` (everything the CR says is applied) when absent. */
  podPolicy?: PodPolicy;
  /** Which Secrets `bootstrapAPIKeys[].secretRef` may read; `any` when absent. */
  secretRefs?: SecretRefPolicy;
}

/** A child to delete, with the UID precondition that makes a stale delete harmless. */
export interface DeleteRef {
  apiVersion: string;
  kind: "StatefulSet" | "ReplicaSet" | "PersistentVolumeClaim";
  namespace: string;
  name: string;
  uid: string;
}

/**
 * One blue-green scale-down step: set `spec.replicas` of an old set, only if its `resourceVersion` is still the
 * one `plan` saw (a 409 means someone moved first: drop the step, the next pass decides again). `replicas` is
 * always exactly one less than the observed `spec.replicas` and never negative.
 */
export interface ScaleStep {
  kind: "StatefulSet" | "ReplicaSet";
  name: string;
  uid: string;
  resourceVersion: string;
  replicas: number;
}

/** A change of a pod's `apps.emqx.io/on-serving` condition (the readiness gate); only changes are listed. */
export interface PodConditionChange {
  pod: string;
  uid: string;
  status: "True" | "False" | "Unknown";
  /** `now`: the status changed, so its transition time moves. */
  lastTransitionTime: string;
}

/** Annotations to merge into a pod (the `pod-deletion-cost` of the next ReplicaSet victim). */
export interface PodAnnotationChange {
  pod: string;
  uid: string;
  annotations: Record<string, string>;
}

/** `POST /api/v5/load_rebalance/<node>/evacuation/start` (a 400 `already_started` counts as success). */
export interface EvacuationStart {
  node: string;
  conn_evict_rate: number;
  sess_evict_rate: number;
  /** Absent: EMQX migrates to every other running node. */
  migrate_to?: string[];
  /** Only sent when > 0. */
  wait_takeover?: number;
  /** Seconds EMQX waits for load balancers to see the node unhealthy before evicting; EMQX's default when absent. */
  wait_health_check?: number;
}

/** `PUT /api/v5/configs?mode=<mode>&ignore_readonly=true`, `Content-Type: text/plain`. */
export interface ConfigPush {
  mode: "merge" | "replace";
  /** The merged `emqx.conf` text (listeners header + `spec.config.data`), the same the ConfigMap holds. */
  body: string;
}

/** A Kubernetes Event to record on the CR. Messages never contain secrets. */
export interface PlannedEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** What one reconcile pass should do. Empty lists mean "nothing of that kind". */
export interface Plan {
  /** Create-only Secrets (`AlreadyExists` is success; never updated, never regenerated while they exist). */
  create: KubernetesObject[];
  /**
   * Desired children for server-side apply with `FIELD_MANAGER` and `force`, in apply order: headless Service and
   * ConfigMap before the StatefulSet (so the first pods find both; the operator created the ConfigMap after the StatefulSet and its first pods
   * waited on the mount), then the
   * ReplicaSet, PDBs, dashboard and listeners Services. A converged CR yields objects equal to the live ones,
   * which SSA turns into no-ops. An object missing from this list is never a reason to delete it: the replicant
   * set and the dashboard / listeners Services are simply not touched in a pass that cannot judge them (cores not
   * ready, EMQX API down), and a disabled Service template leaves the Service in place as the operator does.
   */
  apply: KubernetesObject[];
  /** Old 0-replica sets beyond `revisionHistoryLimit` and the PVCs of those StatefulSets. */
  delete: DeleteRef[];
  /** At most one blue-green scale-down step per pass. */
  scale: ScaleStep[];
  podConditions: PodConditionChange[];
  /** Performed before `scale`, so the ReplicaSet removes the annotated pod. */
  podAnnotations: PodAnnotationChange[];
  /** Enterprise evacuation of the next victim before it is removed. */
  evacuation?: EvacuationStart;
  configPush?: ConfigPush;
  /**
   * `DELETE /api/v5/cluster/{node}/force_leave` for each of these core nodes (stopped, their pod gone for good),
   * done after `scale`; a node already gone counts as done.
   */
  forceLeave?: string[];
  /**
   * Annotations to merge-patch onto the CR's metadata (`apps.emqx.io/last-emqx-configuration`). Patch metadata
   * only: rewriting the spec would bump `generation` (operator quirk).
   */
  crAnnotations?: Record<string, string>;
  /** The full desired `.status`; write it (resourceVersion-guarded) only when `statusChanged`. */
  status: EmqxStatus;
  /** False when `status` equals the observed status, so a converged CR costs no write. */
  statusChanged: boolean;
  events: PlannedEvent[];
  /** Run again after this many seconds, only when waiting on time or on the EMQX API (not on Kubernetes). */
  requeueAfterSeconds?: number;
}

/**
 * Which optional EMQX API reads the next `plan` needs, decided from the node list (see `computeApiReads`), so the
 * workflow calls `/nodes` first and the rest only when they matter.
 */
export interface ApiReads {
  /** `GET /api/v5/configs` (text/plain): CoreNodesReady, so the dashboard and listeners Services are built. */
  liveConfig: boolean;
  /** `GET /api/v5/load_rebalance/global_status`: a core of the current set is Enterprise. */
  evacuations: boolean;
  /** `GET http://<podIP>:<port>/api/v5/load_rebalance/availability_check` for these pods (Enterprise ≥ 5.0.3). */
  availabilityChecks: AvailabilityCheck[];
}

/** One pod whose `availability_check` the next `plan` may need. */
export interface AvailabilityCheck {
  podUID: string;
  podName: string;
  podIP: string;
  /** The pod's `apps.emqx.io/on-serving` gate is already True (see `mustCheckAvailability`). */
  serving: boolean;
}
