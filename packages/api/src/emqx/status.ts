/**
 * `status` of `apps.emqx.io/v2beta1` `EMQX`, JSON names exact, so status written by the operator
 * reads back unchanged and ours reads the same to its users; plus `replicantSelector` for the scale subresource.
 */
import * as z from "zod";

/** A `metav1.Condition`. The operator writes only `True` conditions; we may write `False` too. */
export const ConditionSchema = z
  .object({
    type: z.string().min(1).describe("Condition type, e.g. Ready."),
    status: z.enum(["True", "False", "Unknown"]).describe("True, False or Unknown."),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe("metadata.generation the condition was computed from."),
    lastTransitionTime: z.string().min(1).describe("When the status last changed (RFC 3339)."),
    reason: z.string().describe("One CamelCase word saying why."),
    message: z.string().describe("A sentence for humans."),
  })
  .describe("One observation about the cluster.");

/**
 * One EMQX node as the EMQX API reports it, matched to a pod of this cluster. Carries both `name` (what the EMQX
 * documentation shows) and `node` (what the operator writes); either one is enough on input, and both are always
 * set, to the same value, on output.
 */
export const EmqxNodeSchema = z
  .object({
    name: z.string().min(1).optional().describe("Erlang node name, e.g. emqx@10.0.0.7; same as node."),
    node: z.string().min(1).optional().describe("Erlang node name, e.g. emqx@10.0.0.7; same as name."),
    node_status: z.string().optional().describe("running or stopped."),
    otp_release: z.string().optional().describe("Erlang/OTP release of the node."),
    version: z.string().optional().describe("EMQX version, e.g. 6.0.1."),
    role: z.string().optional().describe("core or replicant."),
    edition: z.string().optional().describe("Opensource or Enterprise."),
    controllerUID: z
      .string()
      .optional()
      .describe("UID of the StatefulSet or ReplicaSet owning the node's pod."),
    podUID: z.string().optional().describe("UID of the node's pod."),
    connections: z.int().optional().describe("Sessions on the node (the EMQX API calls them connections)."),
    live_connections: z.int().optional().describe("Connected clients on the node."),
  })
  .refine((n) => n.name !== undefined || n.node !== undefined, "a node entry needs name or node")
  .transform((n) => {
    const id = n.node ?? n.name ?? "";
    return { ...n, name: id, node: id };
  })
  .describe("An EMQX node of this cluster.");

/**
 * Counts and revisions of one role's nodes. The revisions are how old and new sets are told apart.
 *
 * Every field is optional, as in the operator's `omitempty` Go struct: a 0 count or an empty revision is absent
 * (read it as 0 / none), and `collisionCount`, a pointer there, is present once it was ever bumped.
 */
export const EmqxNodesStatusSchema = z
  .object({
    replicas: z.int32().optional().describe("Desired number of nodes, copied from the template; absent = 0."),
    readyReplicas: z
      .int32()
      .optional()
      .describe("Nodes reported running, across old and new sets; absent = 0."),
    currentRevision: z.string().optional().describe("Pod-template hash of the serving (old) set."),
    currentReplicas: z.int32().optional().describe("Nodes of the current revision; absent = 0."),
    updateRevision: z.string().optional().describe("Pod-template hash of the newest set."),
    updateReplicas: z.int32().optional().describe("Nodes of the update revision; absent = 0."),
    collisionCount: z.int32().optional().describe("Bumped when a set name computed from the hash was taken."),
  })
  .describe("Node counts and revisions of one role.");

const EvacuationStatsSchema = z
  .object({
    initial_sessions: z.int32().optional().describe("Sessions when the evacuation started."),
    initial_connected: z.int32().optional().describe("Connections when the evacuation started."),
    current_sessions: z.int32().optional().describe("Sessions left."),
    current_connected: z.int32().optional().describe("Connections left."),
  })
  .describe("Progress of the evacuation.");

/** One entry of `GET /api/v5/load_rebalance/global_status` `evacuations`. */
export const NodeEvacuationStatusSchema = z
  .object({
    node: z.string().optional().describe("The node being evacuated."),
    state: z
      .string()
      .optional()
      .describe("evicting_conns, waiting_takeover, evicting_sessions or prohibiting."),
    session_recipients: z.array(z.string()).optional().describe("Nodes receiving the sessions."),
    session_goal: z.int32().optional().describe("Target session count."),
    session_eviction_rate: z.int32().optional().describe("Sessions evicted per second."),
    connection_goal: z.int32().optional().describe("Target connection count."),
    connection_eviction_rate: z.int32().optional().describe("Connections evicted per second."),
    stats: EvacuationStatsSchema.optional(),
  })
  .describe("A node evacuation in progress.");

/** `status` of the EMQX custom resource. */
export const EmqxStatusSchema = z
  .object({
    conditions: z
      .array(ConditionSchema)
      .optional()
      .describe("Observations, newest first; kubectl shows the first True."),
    coreNodes: z.array(EmqxNodeSchema).optional().describe("Core nodes matched to pods of this cluster."),
    coreNodesStatus: EmqxNodesStatusSchema.optional(),
    replicantNodes: z
      .array(EmqxNodeSchema)
      .optional()
      .describe("Replicant nodes matched to pods of this cluster."),
    replicantNodesStatus: EmqxNodesStatusSchema.optional(),
    nodeEvacuationsStatus: z
      .array(NodeEvacuationStatusSchema)
      .optional()
      .describe("Node evacuations reported by EMQX Enterprise."),
    replicantSelector: z
      .string()
      .optional()
      .describe("Label selector of the replicant pods, for the scale subresource (HPA)."),
  })
  .describe("Observed state of the EMQX cluster.");

/** One `status.conditions` entry. */
export type Condition = z.output<typeof ConditionSchema>;
/** A status node entry; `name` and `node` are both set, to the same value. */
export type EmqxNode = z.output<typeof EmqxNodeSchema>;
/** `coreNodesStatus` / `replicantNodesStatus`; an absent count means 0. */
export type EmqxNodesStatus = z.output<typeof EmqxNodesStatusSchema>;
/** One `status.nodeEvacuationsStatus` entry. */
export type NodeEvacuationStatus = z.output<typeof NodeEvacuationStatusSchema>;
/** `status` as read and as written. */
export type EmqxStatus = z.output<typeof EmqxStatusSchema>;
