/**
 * Read-only cluster endpoints: `/status`, `/nodes`, `/nodes/{node}`, `/stats`, `/cluster`, `/monitor_current`.
 * Every node answers for the whole cluster it sees.
 */
import { type EmulatedNode, listVisibleNodes } from "./cluster.ts";
import { computeClusterName } from "./clusterConfig.ts";
import { computeCurveMessageRate, findLoadCurve } from "./loadCurve.ts";
import {
  aggregateStats,
  buildMonitorCurrent,
  buildNodeInfo,
  buildNodeStats,
  buildStoppedNodeInfo,
  computeNodeLoad,
  type NodeLoad,
} from "./nodeInfo.ts";
import {
  type ApiContext,
  type ApiRequest,
  errorReply,
  jsonReply,
  nodeNotFound,
  type Reply,
} from "./replies.ts";
import { computeRelVsn, hasRelVsn, isAtLeast, isSixOrLater } from "./versions.ts";

interface RunningView {
  readonly node: EmulatedNode;
  readonly load: NodeLoad;
}

/** Running members as `self` sees them, with their loads, and the cluster-wide session count. */
function listRunning(ctx: ApiContext): { running: RunningView[]; clusterSessions: number } {
  const running = listVisibleNodes(ctx.cluster, ctx.self)
    .filter((n) => n.facts && !ctx.isStopped(n))
    .map((node) => ({ node, load: computeNodeLoad(node, ctx.cluster.evacuations.get(node.name), ctx.now) }));
  return { running, clusterSessions: running.reduce((s, r) => s + r.load.sessions, 0) };
}

/** `GET /status` and `GET /api/v5/status`: per-node liveness, no auth. */
export function getStatus(ctx: ApiContext, req: ApiRequest): Reply {
  const format = req.query.get("format") ?? "text";
  if (format !== "text" && format !== "json")
    return errorReply(400, "BAD_REQUEST", `format: unknown value ${format}`);
  const stopped = ctx.isStopped(ctx.self);
  const status = stopped ? 503 : 200;
  const info = ctx.self.facts?.versionInfo;
  if (format === "text") {
    const text = `Node ${ctx.self.name} is ${stopped ? "stopped" : "started"}\nemqx is ${stopped ? "not_running" : "running"}`;
    return { status, text, headers: { "content-type": "text/plain", "retry-after": "15" } };
  }
  const body: Record<string, string> = { node_name: ctx.self.name };
  if (info && isAtLeast(info.release, 5, 9)) body.cluster = computeClusterName(ctx.cluster.config);
  if (info && hasRelVsn(info.release)) body.rel_vsn = computeRelVsn(info);
  body.broker_status = stopped ? "stopped" : "started";
  body.app_status = stopped ? "not_running" : "running";
  const contentType = info && !isAtLeast(info.release, 5, 8, 1) ? "applicatin/json" : "application/json";
  return {
    status,
    text: JSON.stringify(body),
    headers: { "content-type": contentType, "retry-after": "15" },
  };
}

/** `GET /nodes`: running nodes, then stopped cores (3 fields); stopped replicants are absent. */
export function listNodes(ctx: ApiContext): Reply {
  const { running, clusterSessions } = listRunning(ctx);
  const stoppedCores = listVisibleNodes(ctx.cluster, ctx.self).filter(
    (n) => n.role === "core" && !running.some((r) => r.node === n),
  );
  return jsonReply(200, [
    ...running.map((r) => buildNodeInfo(r.node, r.load, clusterSessions, ctx.now)),
    ...stoppedCores.map(buildStoppedNodeInfo),
  ]);
}

/** `GET /nodes/{node}`: one running node, else 404 (a stopped core too). */
export function getNode(ctx: ApiContext, nodeName: string): Reply {
  const { running, clusterSessions } = listRunning(ctx);
  const found = running.find((r) => r.node.name === nodeName);
  return found
    ? jsonReply(200, buildNodeInfo(found.node, found.load, clusterSessions, ctx.now))
    : nodeNotFound(nodeName);
}

/** `GET /stats`: per-node array, or with `aggregate=true` the summed object. */
export function getStats(ctx: ApiContext, req: ApiRequest): Reply {
  const aggregate = req.query.get("aggregate");
  if (aggregate !== null && aggregate !== "true" && aggregate !== "false") {
    return errorReply(400, "BAD_REQUEST", `aggregate: unknown value ${aggregate}`);
  }
  const { running, clusterSessions } = listRunning(ctx);
  const perNode = running.map((r) => ({
    name: r.node.name,
    stats: buildNodeStats(r.node, r.load, clusterSessions),
  }));
  if (aggregate === "true") {
    const self = perNode.find((p) => p.name === ctx.self.name)?.stats ?? perNode[0]?.stats ?? {};
    return jsonReply(
      200,
      aggregateStats(
        self,
        perNode.map((p) => p.stats),
      ),
    );
  }
  return jsonReply(
    200,
    perNode.map((p) => ({ node: p.name, ...p.stats })),
  );
}

/** `GET /cluster`: name, running members and self (`description` from 6.0). */
export function getCluster(ctx: ApiContext): Reply {
  const { running } = listRunning(ctx);
  const six = ctx.self.facts ? isSixOrLater(ctx.self.facts.versionInfo.release) : true;
  return jsonReply(200, {
    name: computeClusterName(ctx.cluster.config),
    ...(six ? { description: "" } : {}),
    nodes: running.map((r) => r.node.name),
    self: ctx.self.name,
  });
}

/** `GET /monitor_current`: cluster-wide gauges; the message rates follow the cluster's load curve. */
export function getMonitorCurrent(ctx: ApiContext): Reply {
  const curve = findLoadCurve(ctx.emqx, ctx.cluster.key);
  const rate = curve ? computeCurveMessageRate(curve, ctx.now) : 0;
  return jsonReply(
    200,
    buildMonitorCurrent(
      listRunning(ctx).running.map((r) => r.load),
      rate,
    ),
  );
}
