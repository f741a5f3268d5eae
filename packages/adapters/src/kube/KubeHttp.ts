import type { RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { Agent, type Dispatcher, request } from "undici";
import { errorFromResponse, errorFromTransport, type KubeStatusBody, type RequestLabel } from "./errors.ts";
import { RequestStats } from "./stats.ts";
import { createTokenBucket, type TokenBucket } from "./tokenBucket.ts";

/** Options of {@link KubeHttp}. */
export interface KubeHttpOptions {
  /** Cluster address, TLS material and (unless `getToken` is given) credentials. */
  kubeConfig: KubeConfig;
  /**
   * Bearer-token provider (EKS: a presigned STS token). Called before the first request and once more after a
   * 401, then the request is retried once. Without it the kubeconfig's credentials are used (and re-read on 401,
   * so exec plugins refresh).
   */
  getToken?: () => Promise<string>;
  /** Per-request timeout. @default 30_000 */
  requestTimeoutMs?: number;
  /**
   * Client-side request rate limit, as client-go's `QPS` / `Burst`: every request (not watch streams) waits for a
   * token, so one busy cluster cannot flood its apiserver. @default unlimited
   */
  rateLimit?: { qps: number; burst: number };
}

/** One request to the API server. `body` is sent as JSON text exactly as given. */
export interface KubeRequest {
  /** Kubernetes verb, for stats and the HTTP method (`proxy` needs `method`). */
  verb: "get" | "list" | "create" | "update" | "patch" | "delete" | "proxy";
  method?: Dispatcher.HttpMethod;
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

interface Connection {
  server: string;
  agent: Agent;
  headers: Record<string, string>;
}

/**
 * The HTTP layer of the gateway: plain JSON over one keep-alive undici `Agent` per cluster, with the kubeconfig's
 * TLS material and credentials.
 *
 * Why not client-node's generated clients: they serialize built-in kinds through typed models that drop
 * wire-format keys (platform-notes §3.6), deserialize every read into model classes, and build a new undici
 * Agent (a new TLS connection) per request. Here every body is sent and returned as the apiserver's JSON.
 */
export class KubeHttp {
  readonly stats = new RequestStats();
  private readonly options: KubeHttpOptions;
  private connection: Promise<Connection> | undefined;
  private readonly bucket: TokenBucket | undefined;

  constructor(options: KubeHttpOptions) {
    this.options = options;
    this.bucket = options.rateLimit && createTokenBucket(options.rateLimit.qps, options.rateLimit.burst);
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
  async exchange(req: KubeRequest): Promise<Dispatcher.ResponseData> {
    this.stats.count(req.verb, req.label.resource);
    await this.bucket?.take();
    const response = await this.attempt(req);
    if (response.statusCode !== 401 || req.verb === "proxy") return response;
    await response.body.dump();
    this.connection = this.connect(await this.connectionOrInit());
    return this.attempt(req);
  }

  /**
   * Opens a streaming GET (watch). The caller owns the returned body and must consume or destroy it; `signal`
   * aborts the request.
   */
  async stream(path: string, query: KubeRequest["query"], signal: AbortSignal, label: RequestLabel) {
    this.stats.count("watch", label.resource);
    const conn = await this.connectionOrInit();
    try {
      return await request(this.url(conn, path, query), {
        dispatcher: conn.agent,
        method: "GET",
        headers: { ...conn.headers, accept: "application/json" },
        signal,
      });
    } catch (err) {
      throw errorFromTransport(label, err);
    }
  }

  /** Closes the keep-alive connections; the next request opens new ones. */
  close(): Promise<void> {
    const conn = this.connection;
    this.connection = undefined;
    return conn ? conn.then((c) => c.agent.close()) : Promise.resolve();
  }

  private async attempt(req: KubeRequest): Promise<Dispatcher.ResponseData> {
    const conn = await this.connectionOrInit();
    const headers: Record<string, string> = { ...conn.headers, accept: req.accept ?? "application/json" };
    if (req.body !== undefined) headers["content-type"] = req.contentType ?? "application/json";
    Object.assign(headers, req.headers);
    try {
      return await request(this.url(conn, req.path, req.query), {
        dispatcher: conn.agent,
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
    } catch (err) {
      throw errorFromTransport(req.label, err);
    }
  }

  private url(conn: Connection, path: string, query: KubeRequest["query"]): string {
    const url = new URL(conn.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  private connectionOrInit(): Promise<Connection> {
    if (!this.connection) {
      const pending = this.connect(undefined);
      // A failed setup (bad kubeconfig, token provider down) is retried by the next request.
      pending.catch(() => {
        if (this.connection === pending) this.connection = undefined;
      });
      this.connection = pending;
    }
    return this.connection;
  }

  /** Builds (or, after a 401, refreshes the credentials of) the connection; the Agent is kept across refreshes. */
  private async connect(previous: Connection | undefined): Promise<Connection> {
    const kc = this.options.kubeConfig;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("The kubeconfig has no current cluster");
    const opts: RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = String(v);
    if (typeof opts.auth === "string")
      headers.authorization = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
    if (this.options.getToken) headers.authorization = `Bearer ${await this.options.getToken()}`;
    const agent =
      previous?.agent ??
      new Agent({
        keepAliveTimeout: 30_000,
        // A bounded pool: bursts queue on warm keep-alive connections instead of opening hundreds of TLS ones.
        connections: 32,
        connect: {
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          rejectUnauthorized: opts.rejectUnauthorized,
          servername: opts.servername,
        },
      });
    return { server: cluster.server.replace(/\/+$/, ""), agent, headers };
  }
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

function httpMethod(verb: KubeRequest["verb"]): Dispatcher.HttpMethod {
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
