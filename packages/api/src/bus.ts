/**
 * The bus contract: hints that name a CR, status transitions, scale requests, and the EventBridge
 * patterns that route them. The infrastructure and the embedded bus import these very objects, so a pattern can
 * never drift from the events that should match it.
 */
import * as z from "zod";
import { LIFECYCLE_CONDITIONS } from "./conditions.ts";

/** `Source` of events our own components put on the bus. */
export const EventSource = {
  /** The watch forwarder (window function or long-running process). */
  Forwarder: "emqx-reconciler.forwarder",
  /** The scheduled resync sweep. */
  Resync: "emqx-reconciler.resync",
  /** The status function. */
  Status: "emqx-reconciler.status",
  /** Scale requests, from anyone: requesters set this source. */
  Scale: "emqx-reconciler.scale",
  /** The reconcile function: the audit record of a pass that wrote. */
  Reconcile: "emqx-reconciler.reconcile",
} as const;
export type EventSource = (typeof EventSource)[keyof typeof EventSource];

/** Shorthands for `EventSource` members. */
export const EVENT_SOURCE_FORWARDER = EventSource.Forwarder;
export const EVENT_SOURCE_RESYNC = EventSource.Resync;
export const EVENT_SOURCE_STATUS = EventSource.Status;
export const EVENT_SOURCE_SCALE = EventSource.Scale;

/** `DetailType` of each event kind. */
export const DetailType = {
  ReconcileHint: "ReconcileHint",
  StatusTransition: "StatusTransition",
  ScaleRequest: "ScaleRequest",
  ReconcileApplied: "ReconcileApplied",
} as const;
export type DetailType = (typeof DetailType)[keyof typeof DetailType];

/** Why a hint was sent. Informational only: every handler re-reads the cluster whatever the cause. */
export const HintCause = {
  Added: "added",
  Modified: "modified",
  Deleted: "deleted",
  Child: "child",
  Resync: "resync",
  Requeue: "requeue",
  Scale: "scale",
} as const;
export type HintCause = (typeof HintCause)[keyof typeof HintCause];

const text = z.string().min(1);

/**
 * A hint names a CR and never carries its spec or status, so duplicates, reordering and stale hints are harmless.
 *
 * @example HintSchema.parse({ cluster: "prod", namespace: "default", name: "emqx", cause: "modified" })
 */
export const HintSchema = z.object({
  cluster: text,
  namespace: text,
  name: text,
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  cause: z.enum(Object.values(HintCause) as [HintCause, ...HintCause[]]),
  /**
   * Per owned kind (`StatefulSet`, `Pod`, ...), a digest of the `(uid, resourceVersion)` set of the CR's children
   * of that kind as the forwarder's watch saw them when it sent the hint; only kinds it had listed. A reconcile
   * whose remembered list of a kind has the same digest may use it instead of listing again.
   */
  childDigests: z.record(text, text).optional(),
});
/** A parsed hint. */
export type Hint = z.output<typeof HintSchema>;

/** Lifecycle phase: the first True lifecycle condition (what `kubectl get emqx` shows), or `None`. */
export const PhaseSchema = z.enum([...LIFECYCLE_CONDITIONS, "None"]);
/** A lifecycle phase. */
export type Phase = z.output<typeof PhaseSchema>;

const NodeCountsSchema = z.object({ ready: z.int().min(0), desired: z.int().min(0) });
const RevisionsSchema = z.object({ current: z.string().optional(), update: z.string().optional() });

/** Published by the status function when the phase, a node count or a revision changed. */
export const StatusTransitionSchema = z.object({
  cluster: text,
  namespace: text,
  name: text,
  uid: text,
  from: PhaseSchema,
  to: PhaseSchema,
  core: NodeCountsSchema,
  replicant: NodeCountsSchema,
  revisions: z.object({ core: RevisionsSchema, replicant: RevisionsSchema }),
  /** When the transition was observed (RFC 3339). */
  time: z.iso.datetime({ offset: true }),
});
/** A parsed status transition. */
export type StatusTransition = z.output<typeof StatusTransitionSchema>;

/** The plan steps a pass writes in, in the order it writes them. */
export const AuditAction = [
  "create",
  "apply",
  "delete",
  "annotate",
  "scale",
  "gate",
  "evacuate",
  "push",
  "annotate-cr",
  "status",
] as const;
/** One plan step. */
export type AuditAction = (typeof AuditAction)[number];

/** Field paths named per change at most; more are counted in `moreFields`. */
export const AUDIT_MAX_FIELDS = 20;

/** One object a pass wrote, by the plan step, and the paths of the fields that changed (never their values). */
export const AuditChangeSchema = z.object({
  action: z.enum(AuditAction),
  kind: text,
  name: text,
  fields: z.array(z.string()).max(AUDIT_MAX_FIELDS),
  moreFields: z.int().min(1).optional(),
});
/** A parsed audit change. */
export type AuditChange = z.output<typeof AuditChangeSchema>;

/**
 * Published by the reconcile workflow after every pass that wrote: what changed (kind, name, field paths, never
 * values: Secrets only by name), why (the plan step of each change) and the hint that caused the pass.
 */
export const ReconcileAppliedSchema = z.object({
  cluster: text,
  namespace: text,
  name: text,
  uid: text,
  generation: z.int().min(0).optional(),
  /** Writes that changed something (Kubernetes objects, status, EMQX requests). */
  writes: z.int().min(1),
  changes: z.array(AuditChangeSchema),
  /**
   * What the pass brought about besides its writes, in words (`Cluster is ready`): a Normal Event the pass would
   * otherwise record on its own, said once here instead.
   */
  notes: z.array(text).optional(),
  /** The hint the pass ran for; absent for a pass started without one. */
  hint: z
    .object({
      cause: z.enum(Object.values(HintCause) as [HintCause, ...HintCause[]]),
      /** The component that sent it (`emqx-reconciler.forwarder`, `…resync`, `…scale`, or the work queue). */
      source: text,
      resourceVersion: z.string().optional(),
    })
    .optional(),
  time: z.iso.datetime({ offset: true }),
});
/** A parsed audit record. */
export type ReconcileApplied = z.output<typeof ReconcileAppliedSchema>;

/**
 * Asks the scale function to set one role's replicas. Cores never go below 1 by request; the reconciler's limits
 * and the CR's `apps.emqx.io/scale-{min,max}-{cores,replicants}` annotations still apply. `requestedBy` is what
 * the sender says it is (an autoscaler, a person), copied into the Event on the CR; it is not authenticated: the
 * bus policy decides which principals may send scale requests at all.
 */
export const ScaleRequestSchema = z
  .object({
    cluster: text,
    namespace: text,
    name: text,
    role: z.enum(["core", "replicant"]),
    replicas: z.int().min(0),
    requestedBy: z.string().min(1).max(128).optional(),
  })
  .refine((r) => r.role !== "core" || r.replicas >= 1, {
    path: ["replicas"],
    message: "cores never go below 1 by request (an EMQX cluster needs a core node)",
  });
/** A parsed scale request. */
export type ScaleRequest = z.output<typeof ScaleRequestSchema>;

/** An EventBridge event pattern matching on source and detail type. */
export interface EventPattern {
  source: string[];
  "detail-type": string[];
}

/** EventBridge event patterns (real pattern syntax), one per subscriber. */
export const busPatterns: Readonly<
  Record<"reconcileHints" | "statusTransitions" | "scaleRequests" | "reconcileApplied", EventPattern>
> = {
  reconcileHints: {
    source: [EventSource.Forwarder, EventSource.Resync, EventSource.Status, EventSource.Scale],
    "detail-type": [DetailType.ReconcileHint],
  },
  statusTransitions: { source: [EventSource.Status], "detail-type": [DetailType.StatusTransition] },
  scaleRequests: { source: [EventSource.Scale], "detail-type": [DetailType.ScaleRequest] },
  reconcileApplied: { source: [EventSource.Reconcile], "detail-type": [DetailType.ReconcileApplied] },
};
