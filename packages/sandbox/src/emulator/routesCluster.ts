/**
 * Endpoints that change the cluster: `GET|PUT /configs`, `DELETE /cluster/{node}/force_leave` and
 * `POST /login` (`emqx_mgmt_api_configs`).
 */
import { applyConfigUpdate, renderConfigJson, renderConfigText } from "./clusterConfig.ts";
import { isConfigTree } from "./configTree.ts";
import {
  type ApiContext,
  type ApiRequest,
  emptyReply,
  errorReply,
  jsonReply,
  type Reply,
} from "./replies.ts";
import { isSixOrLater } from "./versions.ts";

/** `GET /configs`: HOCON text for `text/plain` or `*\/*` (the default), JSON for `application/json`. */
export function getConfigs(ctx: ApiContext, req: ApiRequest): Reply {
  const accepts = String(req.headers.accept ?? "*/*")
    .split(",")
    .map((a) => a.split(";")[0]?.trim() ?? "");
  const key = req.query.get("key") ?? undefined;
  const format =
    accepts.includes("*/*") || accepts.includes("text/plain")
      ? "text"
      : accepts.includes("application/json")
        ? "json"
        : undefined;
  if (format === undefined) return errorReply(400, "INVALID_ACCEPT", "{error,no_suitable_accept}");
  if (format === "json") return jsonReply(200, renderConfigJson(ctx.cluster.config, key));
  return {
    status: 200,
    text: renderConfigText(ctx.cluster.config, key),
    headers: { "content-type": "text/plain" },
  };
}

/** `PUT /configs?mode=merge|replace&ignore_readonly=`: replicated to the whole cluster. */
export function putConfigs(ctx: ApiContext, req: ApiRequest): Reply {
  const mode = req.query.get("mode") ?? "merge";
  const ignore = req.query.get("ignore_readonly") ?? "false";
  if (mode !== "merge" && mode !== "replace")
    return errorReply(400, "BAD_REQUEST", `mode: unknown value ${mode}, expected merge or replace`);
  if (ignore !== "true" && ignore !== "false")
    return errorReply(400, "BAD_REQUEST", `ignore_readonly: not a boolean: ${ignore}`);
  const result = applyConfigUpdate(ctx.cluster.config, req.body, mode, ignore === "true");
  if (!result.ok)
    return {
      status: 400,
      text: JSON.stringify({ errors: result.errors }),
      headers: { "content-type": "text/plain" },
    };
  ctx.cluster.config = result.config;
  return emptyReply(200);
}

/** `DELETE /cluster/{node}/force_leave`: a stopped core is forgotten; a running node leaves (204). */
export function forceLeave(ctx: ApiContext, nodeName: string): Reply {
  if (nodeName.split("@").length !== 2) return errorReply(400, "BAD_REQUEST", "Bad node name");
  if (nodeName === ctx.self.name) return errorReply(400, "BAD_REQUEST", "Can't leave self");
  const node = ctx.cluster.nodes.get(nodeName);
  if (!node || ctx.cluster.departed.has(nodeName) || ctx.cluster.departed.has(ctx.self.name)) {
    return errorReply(400, "BAD_REQUEST", "node_not_found");
  }
  if (node.facts) ctx.cluster.departed.add(nodeName);
  else ctx.cluster.nodes.delete(nodeName);
  return emptyReply(204);
}

/** `POST /login` against `dashboard.default_username`/`default_password`; tokens live `token_expired_time`. */
export function login(ctx: ApiContext, req: ApiRequest): Reply {
  let body: { username?: unknown; password?: unknown };
  try {
    body = JSON.parse(req.body || "{}");
  } catch {
    return errorReply(400, "BAD_REQUEST", "invalid JSON body");
  }
  const dashboard = ctx.cluster.config.dashboard;
  const user = isConfigTree(dashboard) ? String(dashboard.default_username ?? "admin") : "admin";
  const password = isConfigTree(dashboard) ? String(dashboard.default_password ?? "public") : "public";
  if (body.username !== user || body.password !== password)
    return errorReply(401, "BAD_USERNAME_OR_PWD", "Auth failed");
  const lifetimeMs = computeTokenLifetimeMs(
    isConfigTree(dashboard) ? dashboard.token_expired_time : undefined,
  );
  const token = buildToken(ctx.now + lifetimeMs, ctx.randomToken());
  ctx.cluster.tokens.set(token, { username: user, expiresAt: ctx.now + lifetimeMs });
  const info = ctx.self.facts?.versionInfo;
  const version = info?.version ?? "";
  if (info && isSixOrLater(info.release)) {
    return jsonReply(200, {
      token,
      role: "administrator",
      namespace: null,
      version,
      license: { edition: "ee" },
    });
  }
  if (info?.edition === "Opensource") return jsonReply(200, { token, version, license: { edition: "ce" } });
  return jsonReply(200, { token, version, role: "administrator", license: { edition: "ee" } });
}

function buildToken(expiresAt: number, signature: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ exp: expiresAt, iss: "EMQX" })}.${signature}`;
}

function computeTokenLifetimeMs(value: unknown): number {
  const m = typeof value === "string" ? /^(\d+)(ms|s|m|h)$/.exec(value) : null;
  if (!m) return 60 * 60 * 1000;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
}
