/**
 * {@link HttpPool} over undici, for HTTP/2: requests and every watch stream to one origin share a single
 * connection, which a process watching many clusters at once (the forwarder Lambda) pays less memory for than a
 * socket per watch. Loaded only by a gateway asked for HTTP/2 (`import()`), so HTTP/1 processes never load
 * undici and its WebAssembly parser. Takes undici's `Agent` and `request` from its own modules rather than its
 * index, which also loads fetch, WebSocket, the cache stores and the mocks (about 260 KB of bundle nothing calls).
 */

import { createSecureContext } from "node:tls";
import dispatcherRequest from "undici/lib/api/api-request.js";
import AgentClass from "undici/lib/dispatcher/agent.js";
import { negotiatesHttp2 } from "./alpn.ts";
import type { NodePoolOptions } from "./nodePool.ts";
import type { HttpPool, HttpResponse } from "./types.ts";

/**
 * A pool that speaks HTTP/2 to origins that pick it (over TLS), HTTP/1.1 to the others. Meant for one origin (a
 * cluster's apiserver): its first request asks the server which protocol it picks (ALPN) with one handshake, then
 * keeps a single multiplexed connection when it is HTTP/2 (undici's single client, without a pool's preallocated
 * queue), or otherwise a bounded pool of HTTP/1.1 connections for requests and an unbounded one for streams, so
 * that open watches never hold the connections requests wait for.
 */
export function createHttp2Pool(options: NodePoolOptions = {}): HttpPool {
  let agent: Promise<Agents> | undefined;
  let closed = false;
  const agentFor = (origin: URL) => {
    if (agent) return agent;
    const opening = openAgent(origin, options);
    agent = opening;
    // A context that cannot be built (bad PEM) is not kept: the next request tries again.
    opening.catch(() => {
      if (agent === opening) agent = undefined;
    });
    return opening;
  };
  return {
    async request(url, req = {}) {
      const target = new URL(url);
      const agents = await agentFor(target);
      const dispatcher = req.stream === true ? agents.streams : agents.requests;
      const response = await dispatcherRequest.call(dispatcher, {
        method: req.method ?? "GET",
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
      });
      return response as unknown as HttpResponse;
    },
    get closed() {
      return closed;
    },
    async close() {
      closed = true;
      const current = agent;
      agent = undefined;
      const agents = await current?.catch(() => undefined);
      const distinct = new Set(agents ? [agents.requests, agents.streams] : []);
      await Promise.all([...distinct].map((one) => one.close()));
    },
  };
}

/** How long the protocol probe waits for its handshake before settling for HTTP/1.1. */
const PROBE_TIMEOUT_MS = 10_000;

/** The undici Agents of one origin: the same one for requests and streams when HTTP/2 multiplexes both. */
interface Agents {
  requests: InstanceType<typeof AgentClass>;
  streams: InstanceType<typeof AgentClass>;
}

/** The undici Agents for `origin`: one TLS context for all their connections, one connection when HTTP/2 is picked. */
async function openAgent(origin: URL, options: NodePoolOptions): Promise<Agents> {
  const tls = options.tls ?? {};
  const rejectUnauthorized = tls.rejectUnauthorized !== false;
  // Given `ca`/`cert`/`key`, each connection would build its own context (≈ 35 KiB of native memory each).
  const secureContext =
    origin.protocol === "https:"
      ? createSecureContext({
          ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
          ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
          ...(tls.key !== undefined ? { key: tls.key } : {}),
        })
      : undefined;
  const multiplexed =
    secureContext !== undefined &&
    (await negotiatesHttp2({
      url: origin.href,
      secureContext,
      rejectUnauthorized,
      ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
      timeoutMs: PROBE_TIMEOUT_MS,
    }));
  const agent = (connections: number | undefined) =>
    new AgentClass({
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
      ...(connections !== undefined ? { connections } : {}),
      allowH2: true,
      connect: {
        ...(secureContext ? { secureContext } : {}),
        rejectUnauthorized,
        servername: tls.servername,
        ...(tls.checkServerIdentity ? { checkServerIdentity: tls.checkServerIdentity } : {}),
      },
    });
  if (multiplexed) {
    const one = agent(1);
    return { requests: one, streams: one };
  }
  return { requests: agent(options.connectionsPerOrigin), streams: agent(undefined) };
}
