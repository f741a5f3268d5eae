/**
 * The operator 2.2's `apps.emqx.io/v2beta1` `Rebalance`: after a scale-up, move connections and sessions from the
 * loaded nodes of one EMQX cluster to the new ones (EMQX Enterprise `load_rebalance`). The spec cannot change
 * after creation; `status.phase` is `Processing`, then `Completed` or `Failed`.
 */
import * as z from "zod";

/** Rebalance kind names. */
export const REBALANCE_KIND = "Rebalance";
export const REBALANCE_LIST_KIND = "RebalanceList";
export const REBALANCE_PLURAL = "rebalances";
export const REBALANCE_SINGULAR = "rebalance";
export const REBALANCE_CRD_NAME = `${REBALANCE_PLURAL}.apps.emqx.io`;
/**
 * The operator's finalizer on a Rebalance it started: deleting a `Processing` Rebalance first stops the rebalance
 * on its coordinator node, then the finalizer is removed (also when the EMQX CR or its API is gone).
 */
export const REBALANCE_FINALIZER = "apps.emqx.io/finalizer";

/** `spec.rebalanceStrategy`, the `load_rebalance/{node}/start` parameters. */
export const RebalanceStrategySchema = z
  .object({
    connEvictRate: z.int32().min(1).describe("Connections evicted per second on each donor node."),
    sessEvictRate: z.int32().default(500).describe("Sessions evicted per second on each donor node."),
    waitTakeover: z
      .int32()
      .default(60)
      .describe("Seconds to wait for clients to reconnect before sessions move."),
    waitHealthCheck: z
      .int32()
      .default(60)
      .describe("Seconds for the load balancer to notice before eviction."),
    absConnThreshold: z.int32().default(1000).describe("Absolute connection gap that counts as imbalance."),
    relConnThreshold: z
      .string()
      .regex(/^\d+(\.\d+)?$/, "must be a decimal number, e.g. 1.1")
      .default("1.1")
      .describe("Relative connection ratio (a float as a string) that counts as imbalance."),
    absSessThreshold: z.int32().default(1000).describe("Absolute session gap that counts as imbalance."),
    relSessThreshold: z
      .string()
      .regex(/^\d+(\.\d+)?$/, "must be a decimal number, e.g. 1.1")
      .default("1.1")
      .describe("Relative session ratio (a float as a string) that counts as imbalance."),
  })
  .describe("How connections and sessions are moved.");

/** `spec` of a Rebalance. */
export const RebalanceSpecSchema = z
  .object({
    instanceKind: z.string().default("EMQX").describe("Kind of the target: EMQX."),
    instanceName: z.string().min(1).describe("Name of the EMQX object in this namespace."),
    rebalanceStrategy: RebalanceStrategySchema,
  })
  .describe("Which EMQX cluster to rebalance and how.");

/** Phases a Rebalance reports. */
export const RebalancePhase = { Processing: "Processing", Completed: "Completed", Failed: "Failed" } as const;
export type RebalancePhase = (typeof RebalancePhase)[keyof typeof RebalancePhase];

/** One entry of `status.rebalanceStates`: the coordinator's view from `global_status.rebalances`. */
export const RebalanceStateSchema = z
  .object({
    state: z.string().optional(),
    session_eviction_rate: z.int32().optional(),
    recipients: z.array(z.string()).optional(),
    node: z.string().optional(),
    donors: z.array(z.string()).optional(),
    coordinator_node: z.string().optional(),
    connection_eviction_rate: z.int32().optional(),
  })
  .describe("A rebalance in progress, as its coordinator node reports it.");

/** `status` of a Rebalance. */
export const RebalanceStatusSchema = z
  .object({
    phase: z.enum(["Processing", "Completed", "Failed"]).optional(),
    conditions: z
      .array(
        z.object({
          type: z.enum(["Processing", "Completed", "Failed"]),
          status: z.enum(["True", "False", "Unknown"]),
          lastUpdateTime: z.string().optional(),
          lastTransitionTime: z.string().optional(),
          reason: z.string().optional(),
          message: z.string().optional(),
        }),
      )
      .optional(),
    rebalanceStates: z.array(RebalanceStateSchema).optional(),
    startedTime: z.string().optional(),
    completedTime: z.string().optional(),
  })
  .describe("Where the rebalance stands.");

export type RebalanceSpec = z.output<typeof RebalanceSpecSchema>;
export type RebalanceStatus = z.output<typeof RebalanceStatusSchema>;
export type RebalanceStateEntry = z.output<typeof RebalanceStateSchema>;
