/**
 * The HTTP client contract of the adapters: a connection pool that sends one request and hands back the status,
 * the headers and a body to read once. Implemented over Node's own `http`/`https` ({@link ./nodePool.ts}, which
 * parses HTTP/1 natively) and, for HTTP/2, over undici ({@link ./undici.ts}, loaded only when asked for).
 */

/** Methods the adapters send. */
export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Response headers, lower-cased names; repeated headers as arrays. */
export type HttpHeaders = Record<string, string | string[] | undefined>;

/** A response body, read exactly once: as text, chunk by chunk, or dumped. */
export interface HttpBody extends AsyncIterable<Uint8Array> {
  /** The whole body as UTF-8 text. */
  text(): Promise<string>;
  /** Reads and discards the rest, so the connection can be reused. */
  dump(): Promise<void>;
  /** Stops reading and closes the connection. */
  destroy(): void;
}

/** One answer, whatever its status. */
export interface HttpResponse {
  statusCode: number;
  headers: HttpHeaders;
  body: HttpBody;
}

/** One request; `url` is absolute (http or https). `signal` aborts it, headers and body alike. */
export interface HttpRequest {
  method?: HttpMethod;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /**
   * A response that stays open (a watch): sent on connections of its own, outside `connectionsPerOrigin`, so open
   * streams never hold the connections that requests queue for.
   */
  stream?: boolean;
}

/** A keep-alive connection pool. */
export interface HttpPool {
  /** Sends one request; rejects only when no response arrived (refused, reset, TLS, aborted). */
  request(url: string, req?: HttpRequest): Promise<HttpResponse>;
  /** Closes idle connections and refuses new requests; requests in flight finish. */
  close(): Promise<void>;
  /** True once `close()` was called. */
  readonly closed: boolean;
}
