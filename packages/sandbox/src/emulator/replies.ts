/**
 * The request/reply types the emulated endpoints share, and the EMQX error shapes (`{"code","message"}`).
 */
import type { IncomingHttpHeaders } from "node:http";
import type { EmulatedCluster, EmulatedEmqx, EmulatedNode } from "./cluster.ts";

/** A response before it is written (and before a fault may spoil it). */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON with `content-type: application/json` (unless headers say otherwise). */
  readonly json?: unknown;
  /** Sent verbatim; set `content-type` in headers. */
  readonly text?: string;
}

/** An emulated API request. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The state a handler answers from: the cluster as seen by the node that received the request. */
export interface ApiContext {
  readonly emqx: EmulatedEmqx;
  readonly cluster: EmulatedCluster;
  readonly self: EmulatedNode;
  readonly now: number;
  /** True when a node is down for API purposes (its pod is gone, or a `node-stopped` fault holds). */
  readonly isStopped: (node: EmulatedNode) => boolean;
  /** Random text for tokens (passed in so the handlers stay deterministic in tests). */
  readonly randomToken: () => string;
}

/** The header EMQX adds to every 401 of a Basic/missing credential. */
export const WWW_AUTHENTICATE = { "www-authenticate": 'Basic Realm="emqx-dashboard"' };

/** A JSON reply. */
export function jsonReply(status: number, json: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, json, headers } : { status, json };
}

/** An EMQX error body `{code, message}`. */
export function errorReply(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): Reply {
  return jsonReply(status, { code, message }, headers);
}

/** A reply without a body (204, 405, `PUT /configs` 200). */
export function emptyReply(status: number, headers?: Record<string, string>): Reply {
  return headers ? { status, text: "", headers } : { status, text: "" };
}

/** `404 NOT_FOUND "Node not found: <node>"`, the `with_node/2` answer. */
export function nodeNotFound(node: string): Reply {
  return errorReply(404, "NOT_FOUND", `Node not found: ${node}`);
}

/** 400 in the `wrap_rpc/2` form: `error on node '<node>': <reason>`. */
export function rpcError(node: string, reason: string): Reply {
  return errorReply(400, "BAD_REQUEST", `error on node '${node}': ${reason}`);
}

/** The unknown-path 404 of `emqx_dashboard_not_found`, whose body depends on `Accept`. */
export function pathNotFound(accept: string | undefined): Reply {
  const a = accept ?? "";
  if (a.includes("application/json")) return errorReply(404, "NOT_FOUND", "Request Path Not Found");
  if (a.includes("text/plain"))
    return { status: 404, text: "404 - NOT FOUND", headers: { "content-type": "text/plain" } };
  return {
    status: 404,
    text: "<html><body><h1>404 - NOT FOUND</h1></body></html>",
    headers: { "content-type": "text/html" },
  };
}
