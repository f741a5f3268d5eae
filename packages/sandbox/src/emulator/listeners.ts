/**
 * One server per dashboard listener of a running EMQX pod, bound to `<podIP>:<port>`: plain HTTP, or TLS with the
 * certificate the pod's config names. `sync` converges the set of servers on the listeners the model wants; a
 * stopped pod's servers close with their connections.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { DashboardListenerSpec } from "./dashboardListeners.ts";

/** Log sink (structured, one line per event). */
export type Logger = (message: string, fields?: Record<string, unknown>) => void;

interface Listener {
  readonly podKey: string;
  /** `ip:port`, with `https://` in front for TLS. */
  readonly address: string;
  readonly uid: string;
  readonly server: Server;
  /** The certificate served, so a changed one restarts the listener. */
  readonly cert: string | undefined;
}

function keyOf(spec: DashboardListenerSpec): string {
  return `${spec.podKey}#${spec.scheme}`;
}

function addressOf(spec: DashboardListenerSpec): string {
  return `${spec.scheme === "https" ? "https://" : ""}${spec.ip}:${spec.port}`;
}

/** Owns the per-pod servers. */
export class ListenerManager {
  readonly #listeners = new Map<string, Listener>();
  readonly #makeHandler: (podKey: string) => RequestListener;
  readonly #log: Logger;

  constructor(makeHandler: (podKey: string) => RequestListener, log: Logger) {
    this.#makeHandler = makeHandler;
    this.#log = log;
  }

  /** Addresses currently served, keyed by pod: `ip:port` for http, `https://ip:port` for TLS, comma-separated. */
  addresses(): Record<string, string> {
    const byPod: Record<string, string> = {};
    for (const l of this.#listeners.values())
      byPod[l.podKey] = byPod[l.podKey] ? `${byPod[l.podKey]},${l.address}` : l.address;
    return byPod;
  }

  /** Starts wanted listeners, stops listeners no longer wanted (or changed). Failed binds are retried next sync. */
  async sync(specs: readonly DashboardListenerSpec[]): Promise<void> {
    const wanted = new Map(specs.filter((s) => s.port > 0).map((s) => [keyOf(s), s]));
    const stops: Promise<void>[] = [];
    for (const [key, l] of this.#listeners) {
      const want = wanted.get(key);
      if (!want || want.uid !== l.uid || addressOf(want) !== l.address || want.tls?.cert !== l.cert)
        stops.push(this.#stop(key));
    }
    await Promise.all(stops);
    await Promise.all(
      [...wanted].filter(([key]) => !this.#listeners.has(key)).map(([key, spec]) => this.#start(key, spec)),
    );
  }

  /** Closes every server. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#listeners.keys()].map((k) => this.#stop(k)));
  }

  async #start(key: string, spec: DashboardListenerSpec): Promise<void> {
    const handler = this.#makeHandler(spec.podKey);
    const server = spec.tls
      ? createTlsServer({ cert: spec.tls.cert, key: spec.tls.key }, handler)
      : createServer(handler);
    server.keepAliveTimeout = 30_000;
    const address = addressOf(spec);
    this.#listeners.set(key, { podKey: spec.podKey, address, uid: spec.uid, server, cert: spec.tls?.cert });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ host: spec.ip, port: spec.port }, () => {
          server.off("error", reject);
          resolve();
        });
      });
      this.#log("Started listener", { pod: spec.podKey, address, node: spec.nodeName });
    } catch (e) {
      this.#listeners.delete(key);
      server.close();
      this.#log("Failed to start listener", { pod: spec.podKey, address, error: (e as Error).message });
    }
  }

  async #stop(key: string): Promise<void> {
    const l = this.#listeners.get(key);
    if (!l) return;
    this.#listeners.delete(key);
    const closed = new Promise<void>((resolve) => l.server.close(() => resolve()));
    l.server.closeAllConnections();
    await closed;
    this.#log("Stopped listener", { pod: l.podKey, address: l.address });
  }
}
