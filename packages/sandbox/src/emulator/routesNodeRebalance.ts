/**
 * `POST /load_rebalance/{node}/start` and `/stop`: a connection rebalance coordinated by `{node}` over the
 * `nodes` of the body (see `rebalance.ts`). Same error forms as the evacuation endpoints.
 */
import { listVisibleNodes } from "./cluster.ts";
import {
  beginRebalance,
  endRebalance,
  findRebalance,
  REBALANCE_DEFAULTS,
  type RebalanceRequest,
} from "./rebalance.ts";
import {
  type ApiContext,
  type ApiRequest,
  errorReply,
  jsonReply,
  nodeNotFound,
  type Reply,
  rpcError,
} from "./replies.ts";

const START_FIELDS = new Set([
  "conn_evict_rate",
  "conn_evict_rpc_timeout",
  "sess_evict_rate",
  "sess_evict_rpc_timeout",
  "wait_takeover",
  "wait_health_check",
  "abs_conn_threshold",
  "rel_conn_threshold",
  "abs_sess_threshold",
  "rel_sess_threshold",
  "nodes",
]);

/** `POST /load_rebalance/{node}/start`. */
export function startRebalance(ctx: ApiContext, req: ApiRequest, nodeName: string): Reply {
  const running = listVisibleNodes(ctx.cluster, ctx.self).filter((n) => n.facts && !ctx.isStopped(n));
  if (!running.some((n) => n.name === nodeName)) return nodeNotFound(nodeName);
  const parsed = parseRebalanceBody(
    req.body,
    running.map((n) => n.name),
  );
  if ("error" in parsed) return errorReply(400, "BAD_REQUEST", parsed.error);
  const known = new Set(ctx.cluster.nodes.keys());
  const invalid = parsed.request.nodes.filter((n) => !known.has(n));
  if (invalid.length > 0)
    return errorReply(400, "BAD_REQUEST", `Invalid nodes: [${invalid.map((n) => `<<"${n}">>`).join(",")}]`);
  const unavailable = parsed.request.nodes.filter(
    (n) => !running.some((r) => r.name === n) || ctx.cluster.evacuations.has(n),
  );
  if (unavailable.length > 0)
    return errorReply(400, "NOT_FOUND", `Nodes unavailable: [${unavailable.map((n) => `'${n}'`).join(",")}]`);
  const members = running.filter((n) => parsed.request.nodes.includes(n.name));
  const refused = beginRebalance(ctx.cluster, nodeName, parsed.request, members, ctx.now);
  return refused ? rpcError(nodeName, refused) : jsonReply(200, {});
}

/** `POST /load_rebalance/{node}/stop`: only the coordinator can stop its rebalance. */
export function stopRebalance(ctx: ApiContext, nodeName: string): Reply {
  const running = listVisibleNodes(ctx.cluster, ctx.self).filter((n) => n.facts && !ctx.isStopped(n));
  if (!running.some((n) => n.name === nodeName)) return nodeNotFound(nodeName);
  if (findRebalance(ctx.cluster)?.coordinator !== nodeName) return rpcError(nodeName, "not_started");
  const refused = endRebalance(ctx.cluster);
  return refused ? rpcError(nodeName, refused) : jsonReply(200, {});
}

function parseRebalanceBody(
  text: string,
  running: string[],
): { request: RebalanceRequest } | { error: string } {
  let body: unknown;
  try {
    body = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    return { error: "invalid JSON body" };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { error: "body must be a JSON object" };
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !START_FIELDS.has(k));
  if (unknown.length > 0)
    return { error: `{kind => validation_error,reason => unknown_fields,unknown => "${unknown.join(",")}"}` };
  const d = REBALANCE_DEFAULTS;
  const ints = {
    connEvictRate: positiveInt(b.conn_evict_rate, d.connEvictRate, "conn_evict_rate"),
    sessEvictRate: positiveInt(b.sess_evict_rate, d.sessEvictRate, "sess_evict_rate"),
    waitTakeoverS: seconds(b.wait_takeover, d.waitTakeoverS, "wait_takeover"),
    waitHealthCheckS: seconds(b.wait_health_check, d.waitHealthCheckS, "wait_health_check"),
    absConnThreshold: positiveInt(b.abs_conn_threshold, d.absConnThreshold, "abs_conn_threshold"),
    absSessThreshold: positiveInt(b.abs_sess_threshold, d.absSessThreshold, "abs_sess_threshold"),
    relConnThreshold: ratio(b.rel_conn_threshold, d.relConnThreshold, "rel_conn_threshold"),
    relSessThreshold: ratio(b.rel_sess_threshold, d.relSessThreshold, "rel_sess_threshold"),
  };
  for (const v of Object.values(ints)) if (typeof v === "string") return { error: v };
  const nodes = b.nodes ?? running;
  if (!Array.isArray(nodes) || nodes.length === 0 || !nodes.every((n) => typeof n === "string"))
    return { error: "nodes: must be a non-empty list of node names" };
  return { request: { ...(ints as Omit<RebalanceRequest, "nodes">), nodes } };
}

function positiveInt(v: unknown, fallback: number, field: string): number | string {
  if (v === undefined) return fallback;
  return Number.isInteger(v) && (v as number) > 0 ? (v as number) : `${field}: must be a positive integer`;
}

function ratio(v: unknown, fallback: number, field: string): number | string {
  if (v === undefined) return fallback;
  return typeof v === "number" && v > 1 ? v : `${field}: must be a number greater than 1.0`;
}

function seconds(v: unknown, fallback: number, field: string): number | string {
  if (v === undefined) return fallback;
  if (Number.isInteger(v) && (v as number) >= 0) return v as number;
  const m = typeof v === "string" ? /^(\d+)(ms|s|m|h)?$/.exec(v) : null;
  if (!m) return `${field}: must be a duration in seconds`;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Math.ceil(Number(m[1]) * unit);
}
