import * as z from "zod";

/**
 * One node of `GET /api/v5/nodes`. A running node has all the fields, a stopped core only `node`,
 * `node_status` and `role`; unknown keys are kept, statuses are lower-cased (5.0.0 sent
 * `Running`).
 */
export const EmqxNodeInfoSchema = z.looseObject({
  node: z.string().min(1),
  node_status: z.string().transform((s) => s.toLowerCase()),
  role: z
    .string()
    .transform((s) => s.toLowerCase())
    .optional(),
  version: z.string().optional(),
  edition: z.string().optional(),
  otp_release: z.string().optional(),
  uptime: z.number().optional(),
  connections: z.number().optional(),
  live_connections: z.number().optional(),
  cluster_sessions: z.number().optional(),
});
export type EmqxNodeInfo = z.infer<typeof EmqxNodeInfoSchema>;

/** `GET /api/v5/nodes`: every running node, plus stopped cores (lost replicants are simply absent). */
export const EmqxNodeListSchema = z.array(EmqxNodeInfoSchema);

/** `GET /api/v5/stats?aggregate=true`: counters with dotted keys (`"connections.count"`). */
export const EmqxStatsSchema = z.record(z.string(), z.number());
export type EmqxStats = z.infer<typeof EmqxStatsSchema>;

/** `GET /api/v5/configs` with `Accept: text/plain`: the whole HOCON text. */
export const EmqxConfigsTextSchema = z.string();

/** One evacuation of `global_status` (the fields the status reports; others kept). */
export const EmqxEvacuationSchema = z.looseObject({
  node: z.string(),
  state: z.string().optional(),
  session_recipients: z.array(z.string()).optional(),
  connection_eviction_rate: z.number().optional(),
  session_eviction_rate: z.number().optional(),
  stats: z
    .looseObject({
      initial_connected: z.number().optional(),
      current_connected: z.number().optional(),
      initial_sessions: z.number().optional(),
      current_sessions: z.number().optional(),
    })
    .optional(),
});

/** `GET /api/v5/load_rebalance/global_status`. */
export const EmqxGlobalStatusSchema = z.looseObject({
  evacuations: z.array(EmqxEvacuationSchema).default([]),
  rebalances: z
    .array(z.looseObject({ node: z.string().optional(), state: z.string().optional() }))
    .default([]),
});
export type EmqxGlobalStatus = z.infer<typeof EmqxGlobalStatusSchema>;

/** An EMQX error body `{code, message}` (read leniently: some errors have no body or a text one). */
export const EmqxErrorBodySchema = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
});

/**
 * `GET /api/v5/load_rebalance/availability_check` on one pod: `ok` (200), `unavailable` (any other status, e.g.
 * 503 while the node evacuates) or `unknown` (no answer). The operator maps these to the on-serving gate's
 * True / False / Unknown.
 */
export const AvailabilitySchema = z.enum(["ok", "unavailable", "unknown"]);
export type Availability = z.infer<typeof AvailabilitySchema>;

/** Body of `POST /load_rebalance/{node}/evacuation/start` (all optional; unknown keys are a 400 in EMQX). */
export const EvacuationStartSchema = z.strictObject({
  conn_evict_rate: z.int().positive().optional(),
  sess_evict_rate: z.int().positive().optional(),
  wait_takeover: z.int().min(0).optional(),
  wait_health_check: z.int().min(0).optional(),
  migrate_to: z.array(z.string().min(1)).min(1).optional(),
});
export type EvacuationStart = z.infer<typeof EvacuationStartSchema>;
