/**
 * Lifecycle events the reconciler puts on the bus (detail type `LifecycleEvent`, detail `kind` one of
 * {@link LifecycleKind}) for platform teams to subscribe to: phase changes, nodes joining, leaving and stopping,
 * revisions rolled, node evacuations, and scale decisions, completions and refusals. Every event names the CR,
 * carries the role counts at that moment and a human `reason`.
 *
 * @example An EventBridge rule for the autoscaler's decisions:
 * { "source": ["emqx-reconciler.status"], "detail-type": ["LifecycleEvent"], "detail": { "kind": ["ScaleDecided"] } }
 */
import * as z from "zod";
import { PhaseSchema } from "./bus.ts";

/** The kinds of lifecycle events. */
export const LifecycleKind = {
  PhaseChanged: "PhaseChanged",
  NodeJoined: "NodeJoined",
  NodeLeft: "NodeLeft",
  NodeStopped: "NodeStopped",
  RevisionRolled: "RevisionRolled",
  EvacuationStarted: "EvacuationStarted",
  EvacuationProgress: "EvacuationProgress",
  EvacuationDone: "EvacuationDone",
  ScaleDecided: "ScaleDecided",
  ScaleDone: "ScaleDone",
  ScaleRefused: "ScaleRefused",
} as const;
export type LifecycleKind = (typeof LifecycleKind)[keyof typeof LifecycleKind];

/** `DetailType` of lifecycle events on the bus. */
export const LIFECYCLE_DETAIL_TYPE = "LifecycleEvent";

const text = z.string().min(1);
const counts = z.object({ ready: z.int().min(0), desired: z.int().min(0) });
const role = z.enum(["core", "replicant"]);

const base = {
  cluster: text,
  namespace: text,
  name: text,
  uid: z.string().optional(),
  /** Ready and desired nodes of each role when the event was observed. */
  counts: z.object({ core: counts, replicant: counts }),
  /** Why, in words fit for a person. */
  reason: text,
  /** RFC 3339. */
  time: z.iso.datetime({ offset: true }),
};

/** One lifecycle event; `kind` says which fields it has. */
export const LifecycleEventSchema = z.discriminatedUnion("kind", [
  z.object({ ...base, kind: z.literal("PhaseChanged"), from: PhaseSchema, to: PhaseSchema }),
  z.object({ ...base, kind: z.literal("NodeJoined"), node: text, role }),
  z.object({ ...base, kind: z.literal("NodeLeft"), node: text, role }),
  z.object({ ...base, kind: z.literal("NodeStopped"), node: text, role }),
  z.object({ ...base, kind: z.literal("RevisionRolled"), role, from: z.string().optional(), to: text }),
  z.object({ ...base, kind: z.literal("EvacuationStarted"), node: text, state: z.string().optional() }),
  z.object({
    ...base,
    kind: z.literal("EvacuationProgress"),
    node: text,
    state: z.string().optional(),
    initialSessions: z.int().min(0).optional(),
    currentSessions: z.int().min(0).optional(),
  }),
  z.object({ ...base, kind: z.literal("EvacuationDone"), node: text }),
  z.object({ ...base, kind: z.literal("ScaleDecided"), role, from: z.int().min(0), to: z.int().min(0) }),
  z.object({ ...base, kind: z.literal("ScaleDone"), role, replicas: z.int().min(0) }),
  z.object({ ...base, kind: z.literal("ScaleRefused"), role, replicas: z.int().min(0) }),
]);
/** A parsed lifecycle event. */
export type LifecycleEvent = z.output<typeof LifecycleEventSchema>;
