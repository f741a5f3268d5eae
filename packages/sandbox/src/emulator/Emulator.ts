/**
 * The EMQX API emulator as one object: the model, the fault switches, the request log, one listener per running
 * EMQX pod, the admin server and (given a kubeconfig) the pod watcher. Tests without Kubernetes feed pods with
 * {@link Emulator.applyPod}.
 */
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { startAdminServer } from "./adminServer.ts";
import { EmulatedEmqx, type NodeBootstrap } from "./cluster.ts";
import { FaultRegistry } from "./faults.ts";
import { createPodRequestListener } from "./http.ts";
import { ListenerManager, type Logger } from "./listeners.ts";
import { computePodFacts } from "./podFacts.ts";
import { RequestLog } from "./requestLog.ts";
import { type PodWatcher, startPodWatcher } from "./watcher.ts";

/** How to start an emulator. */
export interface EmulatorOptions {
  /** Watch this cluster's pods. Without it, pods come only from {@link Emulator.applyPod}. */
  readonly kubeConfig?: KubeConfig;
  /** Admin server port on 127.0.0.1. @default 0 (a free port) */
  readonly adminPort?: number;
  /** @default a JSON line on stdout per event */
  readonly log?: Logger;
  /** @default Date.now */
  readonly clock?: () => number;
  /** How often listeners are re-converged (retries failed binds). @default 5000 */
  readonly resyncMs?: number;
}

interface EmulatorParts {
  readonly emqx: EmulatedEmqx;
  readonly faults: FaultRegistry;
  readonly requests: RequestLog;
  readonly admin: Server;
  readonly listeners: ListenerManager;
  readonly clock: () => number;
}

/** A running emulator. */
export class Emulator {
  readonly emqx: EmulatedEmqx;
  readonly faults: FaultRegistry;
  readonly requests: RequestLog;
  readonly adminUrl: string;
  readonly #admin: Server;
  readonly #listeners: ListenerManager;
  readonly #clock: () => number;
  #watcher: PodWatcher | undefined;
  #syncing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  private constructor(parts: EmulatorParts) {
    this.emqx = parts.emqx;
    this.faults = parts.faults;
    this.requests = parts.requests;
    this.#admin = parts.admin;
    this.#listeners = parts.listeners;
    this.#clock = parts.clock;
    const address = parts.admin.address();
    this.adminUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }

  /** Starts the admin server, then (with a kubeconfig) the watcher; resolves when pods already running are served. */
  static async start(options: EmulatorOptions = {}): Promise<Emulator> {
    const clock = options.clock ?? Date.now;
    const log = options.log ?? logJson;
    const emqx = new EmulatedEmqx();
    const faults = new FaultRegistry();
    const requests = new RequestLog();
    const deps = { emqx, faults, requests, clock, randomToken: () => randomBytes(24).toString("base64url") };
    const listeners = new ListenerManager((podKey) => createPodRequestListener(podKey, deps), log);
    const admin = await startAdminServer({ emqx, faults, requests, clock }, options.adminPort ?? 0);
    const emulator = new Emulator({ emqx, faults, requests, admin, listeners, clock });
    if (options.kubeConfig) {
      emulator.#watcher = await startPodWatcher({
        kubeConfig: options.kubeConfig,
        emqx,
        clock,
        log,
        onChange: () => void emulator.sync(),
      });
    }
    await emulator.sync();
    emulator.#timer = setInterval(() => void emulator.sync(), options.resyncMs ?? 5000);
    emulator.#timer.unref();
    return emulator;
  }

  /** Feeds one pod as the watcher would (running → node started, otherwise stopped), then converges listeners. */
  async applyPod(pod: V1Pod, boot: NodeBootstrap = {}): Promise<void> {
    const facts = computePodFacts(pod, this.#clock());
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    if (facts && !this.emqx.hasPod(podKey, facts.uid)) this.emqx.startNode(facts, boot);
    if (!facts) this.emqx.stopPod(podKey);
    await this.sync();
  }

  /** Removes a pod as a watch DELETED event would. */
  async deletePod(podKey: string): Promise<void> {
    this.emqx.stopPod(podKey);
    await this.sync();
  }

  /** Served addresses by pod: `ip:port` for http, `https://ip:port` for TLS (both, comma-separated, when both run). */
  addresses(): Record<string, string> {
    return this.#listeners.addresses();
  }

  /** Converges listeners on the model; calls are serialized. */
  sync(): Promise<void> {
    this.#syncing = this.#syncing.then(() => this.#listeners.sync(this.emqx.listDashboardListeners()));
    return this.#syncing;
  }

  /** Stops the watcher, every listener and the admin server; releases hung requests. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#watcher?.stop();
    this.faults.clear();
    await this.#syncing;
    await this.#listeners.closeAll();
    this.#admin.closeAllConnections();
    await new Promise<void>((resolve) => this.#admin.close(() => resolve()));
  }
}

/** Default logger: one JSON line per event on stdout (the launcher redirects it to a file). */
export const logJson: Logger = (message, fields) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), message, ...fields })}\n`);
};
