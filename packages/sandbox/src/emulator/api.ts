/**
 * Routing and authorization of the emulated EMQX HTTP API. Order as in minirest: unknown path → 404 (no auth),
 * wrong method → 405 with an empty body, then authorization, then the handler.
 */
import { isRoleAllowed } from "./apiKeys.ts";
import {
  type ApiContext,
  type ApiRequest,
  emptyReply,
  errorReply,
  pathNotFound,
  type Reply,
  WWW_AUTHENTICATE,
} from "./replies.ts";
import { forceLeave, getConfigs, login, putConfigs } from "./routesCluster.ts";
import { startRebalance, stopRebalance } from "./routesNodeRebalance.ts";
import {
  getAvailability,
  getGlobalRebalanceStatus,
  getLocalRebalanceStatus,
  startEvacuation,
  stopEvacuation,
} from "./routesRebalance.ts";
import { getCluster, getMonitorCurrent, getNode, getStats, getStatus, listNodes } from "./routesStatus.ts";
import { hasRebalanceApi } from "./versions.ts";

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** False for the few endpoints with `security => []`. */
  readonly auth: boolean;
  /** Only on builds with the rebalance app. */
  readonly rebalance?: boolean;
  readonly handle: (ctx: ApiContext, req: ApiRequest, params: string[]) => Reply;
}

const NODE = "([^/]+)";
const ROUTES: readonly Route[] = [
  { method: "GET", pattern: /^\/status$/, auth: false, handle: getStatus },
  { method: "GET", pattern: /^\/api\/v5\/status$/, auth: false, handle: getStatus },
  { method: "POST", pattern: /^\/api\/v5\/login$/, auth: false, handle: login },
  { method: "GET", pattern: /^\/api\/v5\/nodes$/, auth: true, handle: listNodes },
  {
    method: "GET",
    pattern: new RegExp(`^/api/v5/nodes/${NODE}$`),
    auth: true,
    handle: (c, _r, p) => getNode(c, p[0] ?? ""),
  },
  { method: "GET", pattern: /^\/api\/v5\/stats$/, auth: true, handle: getStats },
  { method: "GET", pattern: /^\/api\/v5\/cluster$/, auth: true, handle: getCluster },
  { method: "GET", pattern: /^\/api\/v5\/monitor_current$/, auth: true, handle: getMonitorCurrent },
  { method: "GET", pattern: /^\/api\/v5\/configs$/, auth: true, handle: getConfigs },
  { method: "PUT", pattern: /^\/api\/v5\/configs$/, auth: true, handle: putConfigs },
  {
    method: "DELETE",
    pattern: new RegExp(`^/api/v5/cluster/${NODE}/force_leave$`),
    auth: true,
    handle: (c, _r, p) => forceLeave(c, p[0] ?? ""),
  },
  {
    method: "GET",
    pattern: /^\/api\/v5\/load_rebalance\/availability_check$/,
    auth: false,
    rebalance: true,
    handle: getAvailability,
  },
  {
    method: "GET",
    pattern: /^\/api\/v5\/load_rebalance\/status$/,
    auth: true,
    rebalance: true,
    handle: getLocalRebalanceStatus,
  },
  {
    method: "GET",
    pattern: /^\/api\/v5\/load_rebalance\/global_status$/,
    auth: true,
    rebalance: true,
    handle: getGlobalRebalanceStatus,
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/v5/load_rebalance/${NODE}/evacuation/start$`),
    auth: true,
    rebalance: true,
    handle: (c, r, p) => startEvacuation(c, r, p[0] ?? ""),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/v5/load_rebalance/${NODE}/evacuation/stop$`),
    auth: true,
    rebalance: true,
    handle: (c, _r, p) => stopEvacuation(c, p[0] ?? ""),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/v5/load_rebalance/${NODE}/start$`),
    auth: true,
    rebalance: true,
    handle: (c, r, p) => startRebalance(c, r, p[0] ?? ""),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/v5/load_rebalance/${NODE}/stop$`),
    auth: true,
    rebalance: true,
    handle: (c, _r, p) => stopRebalance(c, p[0] ?? ""),
  },
];

/** Options that let a fault switch change how a request is judged. */
export interface HandleOptions {
  /** The `unauthorized` fault: every authenticated endpoint answers 401 `BAD_API_KEY_OR_SECRET`. */
  readonly forceUnauthorized?: boolean;
}

/** Answers one request as the node `ctx.self`. */
export function handleApiRequest(ctx: ApiContext, req: ApiRequest, options: HandleOptions = {}): Reply {
  const rebalance = ctx.self.facts ? hasRebalanceApi(ctx.self.facts.versionInfo) : true;
  const candidates = ROUTES.filter((r) => (rebalance || !r.rebalance) && r.pattern.test(req.path));
  if (candidates.length === 0) return pathNotFound(req.headers.accept);
  const route = candidates.find((r) => r.method === req.method);
  if (!route) return emptyReply(405, { allow: candidates.map((r) => r.method).join(", ") });
  if (route.auth) {
    const denied = options.forceUnauthorized ? badKey() : authorize(ctx, req);
    if (denied) return denied;
  }
  const params = (route.pattern.exec(req.path) ?? []).slice(1).map((p) => decodeURIComponent(p));
  return route.handle(ctx, req, params);
}

function badKey(): Reply {
  return errorReply(401, "BAD_API_KEY_OR_SECRET", "Check api_key/api_secret", WWW_AUTHENTICATE);
}

/** Returns the refusal for a request that may not proceed, or undefined. Basic API keys and /login tokens. */
function authorize(ctx: ApiContext, req: ApiRequest): Reply | undefined {
  const header = req.headers.authorization ?? "";
  const space = header.indexOf(" ");
  const scheme = header.slice(0, space).toLowerCase();
  const credential = header.slice(space + 1).trim();
  if (space > 0 && scheme === "basic") {
    const decoded = Buffer.from(credential, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const key = ctx.cluster.apiKeys.get(decoded.slice(0, colon));
    if (colon < 0 || !key || key.secret !== decoded.slice(colon + 1)) return badKey();
    if (!isRoleAllowed(key.role, req.method)) {
      return errorReply(
        403,
        "UNAUTHORIZED_ROLE",
        "This API Key don't have permission to access this resource",
      );
    }
    return undefined;
  }
  if (space > 0 && scheme === "bearer") {
    const token = ctx.cluster.tokens.get(credential);
    if (!token) return errorReply(401, "BAD_TOKEN", "Get a token by POST /login");
    if (token.expiresAt <= ctx.now)
      return errorReply(401, "TOKEN_TIME_OUT", "Token expired, get new token by POST /login");
    return undefined;
  }
  return errorReply(
    401,
    "AUTHORIZATION_HEADER_ERROR",
    "Support authorization: basic/bearer ",
    WWW_AUTHENTICATE,
  );
}
