/**
 * {@link HttpPool} over undici, for HTTP/2: requests and every watch stream to one origin share a single
 * connection, which a process watching many clusters at once (the forwarder Lambda) pays less memory for than a
 * socket per watch. Loaded only by a gateway asked for HTTP/2 (`import()`), so HTTP/1 processes never load
 * undici and its WebAssembly parser. Takes undici's `Agent` and `request` from its own modules rather than its
 * index, which also loads fetch, WebSocket, the cache stores and the mocks (about 260 KB of bundle nothing calls).
 */
import dispatcherRequest from "undici/lib/api/api-request.js";
import AgentClass from "undici/lib/dispatcher/agent.js";
import type { NodePoolOptions } from "./nodePool.ts";
import type { HttpPool, HttpResponse } from "./types.ts";

/** A pool that speaks HTTP/2 to origins that offer it (over TLS), HTTP/1.1 to the others. */
export function createHttp2Pool(options: NodePoolOptions = {}): HttpPool {
  const tls = options.tls ?? {};
  const agent = new AgentClass({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    ...(options.connectionsPerOrigin !== undefined ? { connections: options.connectionsPerOrigin } : {}),
    allowH2: true,
    connect: {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      rejectUnauthorized: tls.rejectUnauthorized !== false,
      servername: tls.servername,
      ...(tls.checkServerIdentity ? { checkServerIdentity: tls.checkServerIdentity } : {}),
    },
  });
  return {
    async request(url, req = {}) {
      const target = new URL(url);
      const response = await dispatcherRequest.call(agent, {
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
      return agent.closed;
    },
    close: () => agent.close(),
  };
}
