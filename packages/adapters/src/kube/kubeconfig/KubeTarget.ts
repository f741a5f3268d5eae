/**
 * The one thing the gateway needs to reach a cluster: where its API server is, how to trust it, and how to
 * authenticate. Plain data plus one function, so loading a kubeconfig never pulls in a Kubernetes client library.
 */

/** TLS material for the API server connection (PEM text). */
export interface KubeTls {
  /** CAs to trust; the system's CAs when absent. */
  ca?: string;
  /** Client certificate and key (mutual TLS); an exec plugin's certificate replaces them. */
  cert?: string;
  key?: string;
  /** Name checked against the server certificate, when it differs from the server's host. */
  servername?: string;
  /** Skip verifying the server certificate (`insecure-skip-tls-verify`). Never for production clusters. */
  insecure?: boolean;
}

/** Credentials for the next request. Never log, print or put in an Event, status or error. */
export interface KubeCredentials {
  /** The `Authorization` header value (`Bearer …` or `Basic …`). */
  authorization?: string;
  /** A client certificate and key handed out by an exec plugin (PEM); used instead of `tls.cert`/`tls.key`. */
  cert?: string;
  key?: string;
}

/** Options of {@link KubeAuth}. */
export interface KubeAuthOptions {
  /**
   * The credentials the server just refused (401). A provider that still holds exactly these fetches new ones
   * (re-runs its exec plugin, re-reads its token file); one that has moved on already returns its newer ones, so
   * many requests failing at once cause one refresh.
   */
  rejected?: KubeCredentials;
}

/** Hands out the credentials for the next request; cheap to call per request (providers cache). */
export type KubeAuth = (options?: KubeAuthOptions) => Promise<KubeCredentials>;

/** How to reach one cluster's API server, as loaded from a kubeconfig, the in-cluster service account or an endpoint. */
export interface KubeTarget {
  /** The kubeconfig context it came from (`in-cluster` or `endpoint` otherwise): a cluster id for logs. */
  name: string;
  /** `https://host[:port][/prefix]` of the API server (plain `http://` only for local test servers). */
  server: string;
  tls: KubeTls;
  auth: KubeAuth;
  /** The context's default namespace, when it names one. */
  namespace?: string;
}

/** No credentials: anonymous requests, or client-certificate auth carried by `tls`. */
export const anonymousAuth: KubeAuth = () => Promise.resolve({});

/** Always the same credentials (a static token, HTTP Basic). */
export function staticAuth(credentials: KubeCredentials): KubeAuth {
  const fixed = Object.freeze({ ...credentials });
  return () => Promise.resolve(fixed);
}

/** Fresh credentials from a provider, and until when they may be used. */
export interface FreshCredentials {
  credentials: KubeCredentials;
  /** Epoch milliseconds after which they are fetched again; kept until refused otherwise. */
  expiresAt?: number;
}

/**
 * Wraps a credential source (exec plugin, token file, token provider) with one shared cache: concurrent callers
 * share one fetch, a failed fetch is retried by the next call, and credentials are fetched again once expired or
 * when the server refused exactly them.
 */
export function cachingAuth(fetch: () => Promise<FreshCredentials>, now: () => number = Date.now): KubeAuth {
  let entry: CacheEntry | undefined;
  return (options = {}) => {
    if (entry?.value !== undefined) {
      const refused = options.rejected !== undefined && options.rejected === entry.value;
      if (refused || now() >= entry.expiresAt) entry = undefined;
    }
    if (!entry) {
      const fresh: CacheEntry = { expiresAt: Number.POSITIVE_INFINITY, pending: Promise.resolve({}) };
      fresh.pending = fetch().then((f) => {
        fresh.value = Object.freeze({ ...f.credentials });
        fresh.expiresAt = f.expiresAt ?? Number.POSITIVE_INFINITY;
        return fresh.value;
      });
      fresh.pending.catch(() => {
        if (entry === fresh) entry = undefined;
      });
      entry = fresh;
    }
    return entry.pending;
  };
}

interface CacheEntry {
  pending: Promise<KubeCredentials>;
  /** Set once the fetch succeeded: the object handed out, compared by identity with a refused one. */
  value?: KubeCredentials;
  expiresAt: number;
}
