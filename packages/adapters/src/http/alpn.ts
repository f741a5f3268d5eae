import { connect, type SecureContext } from "node:tls";

/** Where and how to open the probe's TLS connection: the options every real connection uses. */
export interface AlpnProbeTarget {
  /** An `https:` URL; only its host and port are used. */
  url: string;
  secureContext: SecureContext;
  rejectUnauthorized: boolean;
  servername?: string;
  timeoutMs: number;
}

/**
 * Whether the server picks HTTP/2 when offered both protocols in the TLS handshake (ALPN), by opening and closing
 * one connection. `false` when it picks HTTP/1.1, fails the handshake or does not answer within `timeoutMs`: the
 * caller then keeps a pool of HTTP/1.1 connections, and the real request reports any failure.
 */
export function negotiatesHttp2(target: AlpnProbeTarget): Promise<boolean> {
  const { hostname, port } = new URL(target.url);
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname.replace(/^\[|\]$/g, ""),
      port: Number(port || 443),
      secureContext: target.secureContext,
      rejectUnauthorized: target.rejectUnauthorized,
      ...(target.servername ? { servername: target.servername } : {}),
      ALPNProtocols: ["h2", "http/1.1"],
    });
    const done = (http2: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(http2);
    };
    const timer = setTimeout(() => done(false), target.timeoutMs);
    socket.once("secureConnect", () => done(socket.alpnProtocol === "h2"));
    socket.once("error", () => done(false));
  });
}
