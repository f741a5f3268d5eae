/**
 * One HTTP server per running EMQX pod, bound to `<podIP>:<dashboard port>`. `sync` converges the set of
 * servers on the pods the model says are running; a stopped pod's server closes with its connections.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { PodFacts } from "./podFacts.ts";

/** Log sink (structured, one line per event). */
export type Logger = (message: string, fields?: Record<string, unknown>) => void;

interface Listener {
  readonly address: string;
  readonly uid: string;
  readonly server: Server;
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

  /** Addresses (`ip:port`) currently served, keyed by pod. */
  addresses(): Record<string, string> {
    return Object.fromEntries([...this.#listeners].map(([pod, l]) => [pod, l.address]));
  }

  /** Starts servers for new pods, stops servers of pods no longer running. Failed binds are retried next sync. */
  async sync(pods: readonly PodFacts[]): Promise<void> {
    const wanted = new Map(pods.filter((p) => p.port > 0).map((p) => [p.podKey, p]));
    const stops: Promise<void>[] = [];
    for (const [podKey, l] of this.#listeners) {
      const want = wanted.get(podKey);
      if (!want || want.uid !== l.uid || `${want.ip}:${want.port}` !== l.address)
        stops.push(this.#stop(podKey));
    }
    await Promise.all(stops);
    await Promise.all(
      [...wanted.values()].filter((p) => !this.#listeners.has(p.podKey)).map((p) => this.#start(p)),
    );
  }

  /** Closes every server. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#listeners.keys()].map((k) => this.#stop(k)));
  }

  async #start(pod: PodFacts): Promise<void> {
    const server = createServer(this.#makeHandler(pod.podKey));
    server.keepAliveTimeout = 30_000;
    const address = `${pod.ip}:${pod.port}`;
    this.#listeners.set(pod.podKey, { address, uid: pod.uid, server });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ host: pod.ip, port: pod.port }, () => {
          server.off("error", reject);
          resolve();
        });
      });
      this.#log("Started listener", { pod: pod.podKey, address, node: pod.nodeName });
    } catch (e) {
      this.#listeners.delete(pod.podKey);
      this.#log("Failed to start listener", { pod: pod.podKey, address, error: (e as Error).message });
    }
  }

  async #stop(podKey: string): Promise<void> {
    const l = this.#listeners.get(podKey);
    if (!l) return;
    this.#listeners.delete(podKey);
    const closed = new Promise<void>((resolve) => l.server.close(() => resolve()));
    l.server.closeAllConnections();
    await closed;
    this.#log("Stopped listener", { pod: podKey, address: l.address });
  }
}
