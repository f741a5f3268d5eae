/**
 * The parts of undici the adapters call: the connection pool (`Agent`), `request` and the global dispatcher,
 * loaded from undici's own modules rather than its index. The index also loads fetch, WebSocket, the cache
 * stores and the mocks, about 260 KB of each Lambda bundle that nothing calls. The classes are undici's, so
 * connections, TLS options and errors behave exactly as with the index.
 */
import type { Dispatcher } from "undici";
import dispatcherRequest from "undici/lib/api/api-request.js";
import AgentClass from "undici/lib/dispatcher/agent.js";
import undiciGlobal from "undici/lib/global.js";

/** undici's connection pool. */
export const Agent = AgentClass;
/** An undici connection pool. */
export type Agent = InstanceType<typeof AgentClass>;

/** The process-wide dispatcher (shared keep-alive connections), as undici's `getGlobalDispatcher`. */
export function getGlobalDispatcher(): Dispatcher {
  return undiciGlobal.getGlobalDispatcher();
}

/** Options of {@link request}: undici's request options without the origin and path, which come from the URL. */
export type RequestOptions = Omit<Dispatcher.RequestOptions, "origin" | "path" | "method"> & {
  /** @default "GET" */
  method?: Dispatcher.HttpMethod;
  /** @default the global dispatcher */
  dispatcher?: Dispatcher;
};

/** One request to `url` (an absolute http or https URL) through `options.dispatcher`. */
export function request(url: string, options: RequestOptions = {}): Promise<Dispatcher.ResponseData> {
  const { dispatcher = getGlobalDispatcher(), method = "GET", ...rest } = options;
  const target = new URL(url);
  return dispatcherRequest.call(dispatcher, {
    ...rest,
    method,
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
  });
}
