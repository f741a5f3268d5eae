/**
 * {@link HttpPool} over Node's built-in `http` and `https` modules: keep-alive sockets per origin, TLS verified
 * with the given CA, client certificate and identity check. Node parses HTTP/1 natively, so this costs the
 * process no WebAssembly parser and compiler (undici's, about 13 MiB of resident memory at idle).
 */
import type { IncomingMessage } from "node:http";
import type { PeerCertificate, SecureContext } from "node:tls";
import type { HttpBody, HttpPool, HttpRequest, HttpResponse } from "./types.ts";

/**
 * `node:http` as its CommonJS object. An ESM `import` of it builds the module namespace, which reads every export,
 * and its lazy `WebSocket` / `MessageEvent` / `CloseEvent` exports load Node's bundled undici (a 0.75 MB source
 * kept in the heap, and its compiled code) for nothing.
 */
const http = process.getBuiltinModule("node:http");

/**
 * `node:https`, loaded on the first https request: it brings `tls` and Node's TLS wrap, about 3 MiB resident that a
 * process talking plain http (a local proxy, an in-mesh API) never uses.
 */
const https = () => process.getBuiltinModule("node:https");

/** TLS material of https connections (plain http ignores it). Holds key material: never log it. */
export interface PoolTls {
  /** PEM CA bundle; undefined trusts the platform's default roots. */
  ca?: string;
  cert?: string;
  key?: string;
  /** Verify the server's certificate chain. @default true */
  rejectUnauthorized?: boolean;
  /** SNI name and the name the certificate must carry, when not the host called. */
  servername?: string;
  /** Replaces Node's host-name check; returns the error to fail with. */
  checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
}

/** Options of {@link createNodePool}. */
export interface NodePoolOptions {
  tls?: PoolTls;
  /** Idle keep-alive of a pooled connection. @default 4_000 */
  keepAliveTimeoutMs?: number;
  /** Connections per origin; requests beyond it queue. @default unlimited */
  connectionsPerOrigin?: number;
}

/**
 * A keep-alive pool for http and https origins. Requests share `connectionsPerOrigin` connections per origin;
 * streams (`stream: true`) get agents of their own, unbounded, since each holds its connection for as long as it
 * is open: forty watches on a pool of eight would otherwise leave no connection for a request.
 */
export function createNodePool(options: NodePoolOptions = {}): HttpPool {
  const tls = options.tls ?? {};
  let closed = false;
  const agents = new Map<string, InstanceType<typeof http.Agent>>();
  // Built on the first https request, so a plain-http pool builds no TLS context. One context for every
  // connection: given `ca`/`cert`/`key`, each connection would build its own (≈ 35 KiB of native memory each).
  let secureContext: SecureContext | undefined;
  const httpsOptions = () => {
    secureContext ??= process.getBuiltinModule("node:tls").createSecureContext({
      ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
      ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
      ...(tls.key !== undefined ? { key: tls.key } : {}),
    });
    return {
      secureContext,
      rejectUnauthorized: tls.rejectUnauthorized !== false,
      ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
      ...(tls.checkServerIdentity ? { checkServerIdentity: tls.checkServerIdentity } : {}),
    };
  };
  const agentFor = (isHttps: boolean, stream: boolean) => {
    const key = `${isHttps ? "https" : "http"}${stream ? " stream" : ""}`;
    let agent = agents.get(key);
    if (agent) return agent;
    const common = {
      keepAlive: true,
      // A free socket idle this long is closed (in use, the timeout is ignored: requests carry their own deadline).
      timeout: options.keepAliveTimeoutMs ?? 4_000,
      ...(options.connectionsPerOrigin !== undefined && !stream
        ? { maxSockets: options.connectionsPerOrigin }
        : {}),
    };
    agent = isHttps ? new (https().Agent)({ ...common, ...httpsOptions() }) : new http.Agent(common);
    // After close, a connection whose request ends is closed instead of pooled (the agent pools it first).
    agent.on("free", (socket) => {
      if (closed) socket.destroy();
    });
    agents.set(key, agent);
    return agent;
  };
  return {
    request(url, req = {}) {
      if (closed) return Promise.reject(Object.assign(new Error("pool closed"), { code: "ERR_POOL_CLOSED" }));
      const target = new URL(url);
      const isHttps = target.protocol === "https:";
      return send(isHttps ? https() : http, agentFor(isHttps, req.stream === true), target, req);
    },
    get closed() {
      return closed;
    },
    async close() {
      closed = true;
      for (const agent of agents.values()) {
        for (const sockets of Object.values(agent.freeSockets))
          for (const socket of sockets ?? []) socket.destroy();
      }
    },
  };
}

function send(
  module: typeof http | ReturnType<typeof https>,
  agent: InstanceType<typeof http.Agent>,
  target: URL,
  req: HttpRequest,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = req;
    if (signal?.aborted) return reject(abortError(signal));
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers["content-length"] = Buffer.byteLength(req.body);
    const outgoing = module.request(target, { agent, method: req.method ?? "GET", headers });
    // The exchange is over (its connection back in the pool or closed) when the request closes.
    const over = new Promise<void>((done) => outgoing.once("close", () => done()));
    let response: IncomingMessage | undefined;
    // `signal` ends the request and its body while they last; once the exchange is over it has nothing to end
    // (Node's own `signal` option would then destroy the pooled socket and throw an unhandled AbortError).
    const onAbort = () => {
      const error = abortError(signal as AbortSignal);
      response?.destroy(error);
      outgoing.destroy(error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    outgoing.once("close", () => signal?.removeEventListener("abort", onAbort));
    // Kept for the request's whole life: a failure after the response is reported through its body.
    outgoing.on("error", reject);
    outgoing.once("response", (res) => {
      response = res;
      resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: bodyOf(res, over) });
    });
    outgoing.end(req.body);
  });
}

/** The error an aborted request fails with: an `AbortError` whose cause is the signal's reason. */
function abortError(signal: AbortSignal): Error {
  return new DOMException("This operation was aborted", { name: "AbortError", cause: signal.reason });
}

/**
 * The {@link HttpBody} of a Node response. `text()` and `dump()` resolve once the exchange is `over`, so a request
 * sent right after them finds the connection back in the pool.
 */
function bodyOf(res: IncomingMessage, over: Promise<void>): HttpBody {
  // The reader sees a failure through the iterator or `text()`; one that comes after it stopped reading (an abort
  // ending the request) is expected and must not become an unhandled error.
  res.on("error", () => undefined);
  return {
    [Symbol.asyncIterator]: () => res[Symbol.asyncIterator](),
    async text() {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      await over;
      return Buffer.concat(chunks).toString("utf8");
    },
    async dump() {
      // A body past this size (a stream that does not end) is cut off rather than read on.
      let left = 128 * 1024;
      res.on("data", (chunk: Buffer) => {
        left -= chunk.length;
        if (left < 0) res.destroy();
      });
      res.resume();
      await over;
    },
    destroy: () => res.destroy(),
  };
}

let shared: HttpPool | undefined;

/** The process-wide pool of plain-http and default-trust https origins, created on first use. */
export function sharedPool(): HttpPool {
  shared ??= createNodePool();
  return shared;
}
