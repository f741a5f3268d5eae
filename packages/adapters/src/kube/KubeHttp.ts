import { createNodePool, type NodePoolOptions } from "../http/nodePool.ts";
import type { HttpMethod, HttpPool, HttpResponse } from "../http/types.ts";
import { errorFromResponse, errorFromTransport, type KubeStatusBody, type RequestLabel } from "./errors.ts";
import {
  cachingAuth,
  type KubeAuth,
  type KubeCredentials,
  type KubeTarget,
} from "./kubeconfig/KubeTarget.ts";
import { RequestStats } from "./stats.ts";
import { createTokenBucket, type TokenBucket } from "./tokenBucket.ts";

/** Options of {@link KubeHttp}. */
export interface KubeHttpOptions {
  /**
   * Cluster address, TLS material and (unless `getToken` is given) credentials, as loaded by
   * `loadKubeconfigFile` / `loadDefaultKubeconfig` / `kubeTargetFromEndpoint`.
   */
  kubeConfig: KubeTarget;
  /**
   * Bearer-token provider (EKS: a presigned STS token). Called before the first request and once more after a
   * 401, then the request is retried once. Without it the target's credentials are used, asked for before every
   * request (they cache) and refreshed after a 401, so exec plugins and rotated token files take effect.
   */
  getToken?: () => Promise<string>;
  /** Per-request timeout. @default 30_000 */
  requestTimeoutMs?: number;
  /**
   * Client-side request rate limit, as client-go's `QPS` / `Burst`: every request (not watch streams) waits for a
   * token, so one busy cluster cannot flood its apiserver. @default unlimited
   */
  rateLimit?: { qps: number; burst: number };
  /**
   * A request-rate bucket shared with the other clients of the same cluster (a per-cluster cap across clients);
   * used instead of `rateLimit` when given.
   */
  requestBucket?: TokenBucket;
  /**
   * Speak HTTP/2 when the apiserver offers it (every kube-apiserver does, over TLS): requests and every watch
   * stream share one connection per cluster instead of one socket per open watch, which is what a process
   * watching many clusters at once (the forwarder Lambda) pays for in memory. @default false
   */
  http2?: boolean;
}

/** One request to the API server. `body` is sent as JSON text exactly as given. */
export interface KubeRequest {
  /** Kubernetes verb, for stats and the HTTP method (`proxy` needs `method`). */
  verb: "get" | "list" | "create" | "update" | "patch" | "delete" | "proxy";
  method?: HttpMethod;
  label: RequestLabel;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** A successful response: status and parsed JSON body (or `undefined` when empty). */
export interface KubeResponse<T> {
  status: number;
  body: T;
}

/** What one request goes out with: the shared pool and the credentials of the moment. */
interface Session {
  pool: HttpPool;
  credentials: KubeCredentials;
}

/**
 * The HTTP layer of the gateway: plain JSON over one keep-alive connection pool per cluster (Node's own
 * `http`/`https`, or undici when `http2` is asked for), with the target's TLS material and credentials.
 *
 * Why not client-node's generated clients: they serialize built-in kinds through typed models that drop
 * wire-format keys, deserialize every read into model classes, and build a new undici
 * Agent (a new TLS connection) per request. Here every body is sent and returned as the apiserver's JSON.
 */
export class KubeHttp {
  readonly stats = new RequestStats();
  private readonly options: KubeHttpOptions;
  private readonly server: string;
  private readonly auth: KubeAuth;
  private readonly bucket: TokenBucket | undefined;
  private pool: { pool: HttpPool; cert: string | undefined; key: string | undefined } | undefined;

  constructor(options: KubeHttpOptions) {
    this.options = options;
    this.server = options.kubeConfig.server.replace(/\/+$/, "");
    const { getToken } = options;
    this.auth = getToken
      ? cachingAuth(async () => ({ credentials: { authorization: `Bearer ${await getToken()}` } }))
      : options.kubeConfig.auth;
    this.bucket =
      options.requestBucket ??
      (options.rateLimit && createTokenBucket(options.rateLimit.qps, options.rateLimit.burst));
  }

  /** Sends one request; throws a classified `KubeError` for a non-2xx answer or a transport failure. */
  async send<T>(req: KubeRequest): Promise<KubeResponse<T>> {
    const response = await this.exchange(req);
    const text = await response.body.text();
    if (response.statusCode >= 300) {
      throw errorFromResponse(
        req.label,
        response.statusCode,
        parseStatus(text),
        response.headers["retry-after"],
      );
    }
    return { status: response.statusCode, body: (text.length > 0 ? JSON.parse(text) : undefined) as T };
  }

  /**
   * Sends one request and hands back the raw response whatever its status (the EMQX client reads proxied
   * answers itself). The caller must consume or dump `body`. Transport failures still throw a `KubeError`.
   */
  async exchange(req: KubeRequest): Promise<HttpResponse> {
    this.stats.count(req.verb, req.label.resource);
    const waited = (await this.bucket?.take()) ?? 0;
    if (waited > 0) this.stats.throttle(waited);
    const first = await this.attempt(req, await this.session());
    if (first.response.statusCode !== 401 || req.verb === "proxy") return first.response;
    await first.response.body.dump();
    return (await this.attempt(req, await this.session(first.credentials))).response;
  }

  /**
   * Opens a streaming GET (watch). The caller owns the returned body and must consume or destroy it; `signal`
   * aborts the request.
   */
  async stream(path: string, query: KubeRequest["query"], signal: AbortSignal, label: RequestLabel) {
    this.stats.count("watch", label.resource);
    const { pool, credentials } = await this.session();
    try {
      return await pool.request(this.url(path, query), {
        method: "GET",
        headers: { ...authHeader(credentials), accept: "application/json" },
        signal,
        stream: true,
      });
    } catch (err) {
      throw errorFromTransport(label, err);
    }
  }

  /** Closes the keep-alive connections; the next request opens new ones. */
  close(): Promise<void> {
    const current = this.pool;
    this.pool = undefined;
    return current ? current.pool.close() : Promise.resolve();
  }

  private async attempt(
    req: KubeRequest,
    { pool, credentials }: Session,
  ): Promise<{ response: HttpResponse; credentials: KubeCredentials }> {
    const headers: Record<string, string> = {
      ...authHeader(credentials),
      accept: req.accept ?? "application/json",
    };
    if (req.body !== undefined) headers["content-type"] = req.contentType ?? "application/json";
    Object.assign(headers, req.headers);
    try {
      const response = await pool.request(this.url(req.path, req.query), {
        method: req.method ?? httpMethod(req.verb),
        headers,
        body:
          req.body === undefined
            ? undefined
            : typeof req.body === "string"
              ? req.body
              : JSON.stringify(req.body),
        signal: AbortSignal.timeout(req.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000),
      });
      return { response, credentials };
    } catch (err) {
      throw errorFromTransport(req.label, err);
    }
  }

  private url(path: string, query: KubeRequest["query"]): string {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /**
   * The credentials for the next request (the provider caches; `rejected` are the ones a 401 refused) and the
   * pool. The pool is kept across credential refreshes and replaced only when an exec plugin hands out a new
   * client certificate, since TLS material is fixed per connection.
   */
  private async session(rejected?: KubeCredentials): Promise<Session> {
    const credentials = await this.auth(rejected ? { rejected } : undefined);
    const { tls } = this.options.kubeConfig;
    const cert = credentials.cert ?? tls.cert;
    const key = credentials.key ?? tls.key;
    // Loaded before the pool is looked at, so that concurrent first requests share one pool.
    const createPool =
      this.options.http2 === true ? (await import("../http/undici.ts")).createHttp2Pool : createNodePool;
    const current = this.pool;
    if (current && current.cert === cert && current.key === key) return { pool: current.pool, credentials };
    const previous = current?.pool;
    const options: NodePoolOptions = {
      keepAliveTimeoutMs: 30_000,
      // A bounded pool: bursts queue on warm keep-alive connections instead of opening hundreds of TLS ones.
      // Watches are streams, outside the bound: a watch per kind and namespace can outnumber it. Eight requests in
      // flight keep a burst from crowding out everyone else's: with fifty seed CRs applied at once on the 2-core
      // sandbox, 32 let the reconciler's first passes stretch the `kubectl apply` of the fifty to 21–25 s
      // (8: 11–19 s) and cost it 17 CPU s (8: 11–12 s), all `Ready` 35 s (8: 30–35 s).
      connectionsPerOrigin: 8,
      tls: {
        ca: tls.ca,
        cert,
        key,
        rejectUnauthorized: tls.insecure !== true,
        servername: tls.servername,
      },
    };
    const pool = createPool(options);
    this.pool = { pool, cert, key };
    // In-flight requests on the old pool finish; it then closes.
    void previous?.close().catch(() => undefined);
    return { pool, credentials };
  }
}

function authHeader(credentials: KubeCredentials): Record<string, string> {
  return credentials.authorization ? { authorization: credentials.authorization } : {};
}

/** Reads a Kubernetes `Status` from an error body; a non-JSON body (e.g. a proxy's text) becomes its message. */
function parseStatus(text: string): KubeStatusBody | undefined {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as KubeStatusBody;
  } catch {
    return { message: text };
  }
}

function httpMethod(verb: KubeRequest["verb"]): HttpMethod {
  switch (verb) {
    case "get":
    case "list":
    case "proxy":
      return "GET";
    case "create":
      return "POST";
    case "update":
      return "PUT";
    case "patch":
      return "PATCH";
    case "delete":
      return "DELETE";
  }
}
