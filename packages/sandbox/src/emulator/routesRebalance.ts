/**
 * `/load_rebalance/*`: evacuation start/stop, local and global status, and the unauthenticated availability
 * check. Present only on builds that have the rebalance app.
 */
import { listVisibleNodes } from "./cluster.ts";
import {
  buildEvacuationView,
  computeEvacuationProgress,
  EVACUATION_DEFAULTS,
  type EvacuationRequest,
} from "./evacuation.ts";
import { buildRebalanceView, findRebalance } from "./rebalance.ts";
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
  "sess_evict_rate",
  "wait_takeover",
  "wait_health_check",
  "redirect_to",
  "migrate_to",
]);

/** `GET /load_rebalance/availability_check`: 503 `NODE_EVACUATING` while the answering node evacuates. */
export function getAvailability(ctx: ApiContext): Reply {
  return ctx.cluster.evacuations.has(ctx.self.name)
    ? errorReply(503, "NODE_EVACUATING", "Node Evacuating")
    : jsonReply(200, {});
}

/** `GET /load_rebalance/status`: the answering node's own view. */
export function getLocalRebalanceStatus(ctx: ApiContext): Reply {
  const ev = ctx.cluster.evacuations.get(ctx.self.name);
  if (!ev) return jsonReply(200, { status: "disabled" });
  return jsonReply(200, { status: "enabled", process: "evacuation", ...buildEvacuationView(ev, ctx.now) });
}

/** `GET /load_rebalance/global_status`: every running node's evacuation. */
export function getGlobalRebalanceStatus(ctx: ApiContext): Reply {
  const evacuations = listVisibleNodes(ctx.cluster, ctx.self)
    .filter((n) => n.facts && !ctx.isStopped(n))
    .flatMap((n) => {
      const ev = ctx.cluster.evacuations.get(n.name);
      return ev ? [{ node: n.name, ...buildEvacuationView(ev, ctx.now) }] : [];
    });
  const rebalance = findRebalance(ctx.cluster);
  const rebalances = rebalance ? [buildRebalanceView(rebalance, ctx.now)] : [];
  return jsonReply(200, { evacuations, purges: [], rebalances });
}

/** `POST /load_rebalance/{node}/evacuation/start`. */
export function startEvacuation(ctx: ApiContext, req: ApiRequest, nodeName: string): Reply {
  const running = listVisibleNodes(ctx.cluster, ctx.self).filter((n) => n.facts && !ctx.isStopped(n));
  const node = running.find((n) => n.name === nodeName);
  if (!node) return nodeNotFound(nodeName);
  const parsed = parseStartBody(
    req.body,
    running.map((n) => n.name).filter((n) => n !== nodeName),
  );
  if ("error" in parsed) return errorReply(400, "BAD_REQUEST", parsed.error);
  const known = new Set(ctx.cluster.nodes.keys());
  const invalid = parsed.request.migrateTo.filter((n) => !known.has(n));
  if (invalid.length > 0)
    return errorReply(400, "BAD_REQUEST", `Invalid nodes: [${invalid.map((n) => `<<"${n}">>`).join(",")}]`);
  const unavailable = parsed.request.migrateTo.filter(
    (n) => !running.some((r) => r.name === n) || ctx.cluster.evacuations.has(n),
  );
  if (unavailable.length > 0)
    return errorReply(400, "NOT_FOUND", `Nodes unavailable: [${unavailable.map((n) => `'${n}'`).join(",")}]`);
  if (ctx.cluster.evacuations.has(nodeName)) return rpcError(nodeName, "already_started");
  ctx.cluster.evacuations.set(nodeName, {
    ...parsed.request,
    startedAt: ctx.now,
    initialConnected: node.connections,
    initialSessions: node.connections,
  });
  return jsonReply(200, {});
}

/** `POST /load_rebalance/{node}/evacuation/stop`: evicted sessions stay gone. */
export function stopEvacuation(ctx: ApiContext, nodeName: string): Reply {
  const node = listVisibleNodes(ctx.cluster, ctx.self).find(
    (n) => n.name === nodeName && n.facts && !ctx.isStopped(n),
  );
  if (!node) return nodeNotFound(nodeName);
  const ev = ctx.cluster.evacuations.get(nodeName);
  if (!ev) return rpcError(nodeName, "not_started");
  node.connections = Math.min(node.connections, computeEvacuationProgress(ev, ctx.now).currentSessions);
  ctx.cluster.evacuations.delete(nodeName);
  return jsonReply(200, {});
}

function parseStartBody(text: string, others: string[]): { request: EvacuationRequest } | { error: string } {
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
  const conn = positiveInt(b.conn_evict_rate, EVACUATION_DEFAULTS.connEvictRate);
  const sess = positiveInt(b.sess_evict_rate, EVACUATION_DEFAULTS.sessEvictRate);
  const takeover = durationS(b.wait_takeover, EVACUATION_DEFAULTS.waitTakeoverS);
  const health = durationS(b.wait_health_check, EVACUATION_DEFAULTS.waitHealthCheckS);
  if (conn === undefined) return { error: "conn_evict_rate: must be a positive integer" };
  if (sess === undefined) return { error: "sess_evict_rate: must be a positive integer" };
  if (takeover === undefined) return { error: "wait_takeover: must be a duration in seconds" };
  if (health === undefined) return { error: "wait_health_check: must be a duration in seconds" };
  if (b.redirect_to !== undefined && typeof b.redirect_to !== "string")
    return { error: "redirect_to: must be a string" };
  const migrateTo = b.migrate_to ?? others;
  if (
    !Array.isArray(migrateTo) ||
    (b.migrate_to !== undefined && migrateTo.length === 0) ||
    !migrateTo.every((n) => typeof n === "string")
  ) {
    return { error: "migrate_to: must be a non-empty list of node names" };
  }
  return {
    request: {
      connEvictRate: conn,
      sessEvictRate: sess,
      waitTakeoverS: takeover,
      waitHealthCheckS: health,
      migrateTo,
    },
  };
}

function positiveInt(v: unknown, fallback: number): number | undefined {
  if (v === undefined) return fallback;
  return Number.isInteger(v) && (v as number) > 0 ? (v as number) : undefined;
}

function durationS(v: unknown, fallback: number): number | undefined {
  if (v === undefined) return fallback;
  if (Number.isInteger(v) && (v as number) >= 0) return v as number;
  const m = typeof v === "string" ? /^(\d+)(ms|s|m|h)?$/.exec(v) : null;
  if (!m) return undefined;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Math.ceil(Number(m[1]) * unit);
}
