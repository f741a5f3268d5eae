import { createSecureContext } from "node:tls";
import { negotiatesHttp2 } from "../http/alpn.ts";
import { Agent } from "../http/undici.ts";
import type { KubeTls } from "./kubeconfig/KubeTarget.ts";

/** What a cluster's Agent is built from. */
export interface ClusterAgentOptions {
  /** The API server's address (`https://…`, or `http://…` for local fakes). */
  server: string;
  /** The cluster's CA and the client certificate and key of the moment (an exec plugin's replace the kubeconfig's). */
  tls: KubeTls;
  /** Offer HTTP/2 (see `KubeHttpOptions.http2`). */
  http2: boolean;
  /** How long the protocol probe waits for the handshake. */
  probeTimeoutMs: number;
}

/**
 * A keep-alive undici Agent for one cluster, with one TLS context for all its connections, built from the
 * cluster's CA and client key (given `ca`/`cert`/`key`, each connection would build its own: about 35 KiB of
 * native memory each). With `http2`, when the server picks HTTP/2 in a first handshake, the Agent keeps one
 * multiplexed connection (undici's single client, without the pool's preallocated queue: about 19 KiB less per
 * cluster); otherwise a bounded pool, so that over HTTP/1.1 an open watch never holds the only connection.
 */
export async function createClusterAgent(options: ClusterAgentOptions): Promise<Agent> {
  const { tls } = options;
  const secureContext = options.server.startsWith("https:")
    ? createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key })
    : undefined;
  const rejectUnauthorized = tls.insecure !== true;
  const multiplexed =
    options.http2 &&
    secureContext !== undefined &&
    (await negotiatesHttp2({
      url: options.server,
      secureContext,
      rejectUnauthorized,
      servername: tls.servername,
      timeoutMs: options.probeTimeoutMs,
    }));
  return new Agent({
    keepAliveTimeout: 30_000,
    // A bounded pool: bursts queue on warm keep-alive connections instead of opening hundreds of TLS ones.
    connections: multiplexed ? 1 : 32,
    allowH2: options.http2,
    connect: {
      ...(secureContext ? { secureContext } : {}),
      rejectUnauthorized,
      servername: tls.servername,
    },
  });
}
