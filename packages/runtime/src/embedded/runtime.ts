import { busPatterns, EventSource, type Hint, HintCause, HintSchema } from "@emqx-reconciler/api";
import { type BusEvent, createEmbeddedBus, type EmbeddedBus, type EmbeddedBusOptions } from "./bus.ts";
import { NotRunningError } from "./errors.ts";
import { type HintTarget, hintFromKey, hintKey, publishHints } from "./hints.ts";
import { type PeriodicTask, startPeriodicTask } from "./timers.ts";
import { createWorkQueue, type ShutdownResult, type WorkQueue, type WorkQueueOptions } from "./workQueue.ts";

/** What a reconcile asks of the runtime: nothing, or another run after a delay. */
export interface ReconcileOutcome {
  requeueAfterSeconds?: number;
}

/** Where a failure the runtime absorbed happened. */
export type RuntimeFailure =
  | { phase: "reconcile"; key: string; error: unknown; retryInMs: number | undefined }
  | { phase: "status"; cluster: string; error: unknown }
  | { phase: "resync" | "hint" | "delivery"; error: unknown };

/**
 * Defaults, with the reasoning. Status every 10 s: EMQX node state cannot be watched; the operator re-reads it
 * every 30 s once Ready (1 s before), and 10 s keeps `kubectl get emqx` and the terminal table within one glance
 * of reality for one `GET /api/v5/nodes` per cluster. Resync every 5 min ± 10 %: controller-runtime's 10 h trusts
 * a long-lived informer, while ours is a restartable forwarder feeding an at-least-once bus, so a lost hint should
 * cost minutes, not hours; a converged reconcile is a handful of reads, so the sweep stays cheap.
 */
export const EMBEDDED_RUNTIME_DEFAULTS = {
  statusIntervalMs: 10_000,
  resyncIntervalMs: 300_000,
  resyncJitter: 0.1,
  stopTimeoutMs: 30_000,
} as const;

/** Options of {@link createEmbeddedRuntime}: the workflows as callbacks, plus timings. */
export interface EmbeddedRuntimeOptions {
  /**
   * The reconcile workflow for one CR. The hint is advisory: the latest received before this run started.
   * `previousFailures`: runs of this key that failed in a row just before this one (0 after a success).
   */
  reconcile(
    key: string,
    hint: Hint,
    signal: AbortSignal,
    previousFailures: number,
    // biome-ignore lint/suspicious/noConfusingVoidType: a workflow with nothing to ask returns nothing.
  ): Promise<ReconcileOutcome | undefined | void>;
  /** The status workflow for one cluster. */
  refreshStatus(cluster: string, signal: AbortSignal): Promise<void>;
  /** Clusters the status refresher visits. */
  listClusters(): readonly string[] | Promise<readonly string[]>;
  /** Every CR to hint at a resync. */
  listKeys(signal: AbortSignal): Promise<readonly HintTarget[]>;
  statusIntervalMs?: number;
  resyncIntervalMs?: number;
  resyncJitter?: number;
  /** Resync once at start, so a restarted process converges without waiting for a change (default true). */
  resyncAtStart?: boolean;
  /** The pattern routing hints to the queue; the api's `busPatterns.reconcileHints` unless a test says else. */
  reconcileHintPattern?: object;
  queue?: Omit<WorkQueueOptions, "handler" | "onError">;
  bus?: Omit<EmbeddedBusOptions, "onDeliveryFailure">;
  /** Deadline for `stop()` to let reconciles finish (default 30 s). */
  stopTimeoutMs?: number;
  onFailure?: (failure: RuntimeFailure) => void;
}

/** A running loop; `bus` and `queue` are exposed so forwarders publish to it and tests read its metrics. */
export interface EmbeddedRuntime {
  readonly bus: EmbeddedBus;
  readonly queue: WorkQueue;
  start(): Promise<void>;
  /** Stops the timers, closes the bus, drains the queue up to the deadline. */
  stop(): Promise<ShutdownResult>;
  /** Publishes one resync hint per CR now; resolves with the number of hints sent. */
  resyncNow(): Promise<number>;
  /** Refreshes every cluster's status now (or joins the refresh under way). */
  refreshStatusNow(): Promise<void>;
}

/**
 * Wires the reconcile loop in one process: hints on the bus → the rule for `busPatterns.reconcileHints` →
 * the keyed queue → `reconcile`; requeues as timers; a periodic resync sweep publishing `resync` hints; the
 * status refresher on an interval. It knows nothing of Kubernetes: the workflows come in as callbacks.
 */
export function createEmbeddedRuntime(options: EmbeddedRuntimeOptions): EmbeddedRuntime {
  const report = options.onFailure ?? (() => undefined);
  const pendingHints = new Map<string, Hint>();
  const lastHints = new Map<string, Hint>();
  const timers: PeriodicTask[] = [];
  let state: "created" | "running" | "stopped" = "created";

  async function reconcileKey(key: string, signal: AbortSignal) {
    const fresh = pendingHints.get(key);
    pendingHints.delete(key);
    const previous = lastHints.get(key);
    const hint =
      fresh ?? (previous ? { ...previous, cause: HintCause.Requeue } : hintFromKey(key, HintCause.Requeue));
    lastHints.set(key, hint);
    const outcome = (await options.reconcile(key, hint, signal, queue.numRequeues(key))) ?? undefined;
    if (hint.cause === HintCause.Deleted && outcome?.requeueAfterSeconds === undefined) lastHints.delete(key);
    const seconds = outcome?.requeueAfterSeconds;
    return seconds === undefined ? undefined : { requeueAfterMs: seconds * 1000 };
  }

  const queue = createWorkQueue({
    ...options.queue,
    handler: reconcileKey,
    onError: (key, error, retryInMs) => report({ phase: "reconcile", key, error, retryInMs }),
  });
  const bus = createEmbeddedBus({
    ...options.bus,
    onDeliveryFailure: ({ error }) => report({ phase: "delivery", error }),
  });

  function admitHint(event: BusEvent): void {
    const parsed = HintSchema.safeParse(event.detail);
    if (!parsed.success) {
      report({ phase: "hint", error: parsed.error });
      return;
    }
    const key = hintKey(parsed.data);
    pendingHints.set(key, parsed.data);
    queue.add(key);
  }

  async function resync(signal: AbortSignal): Promise<number> {
    const targets = await options.listKeys(signal);
    const hints = targets.map((target) => ({ ...target, cause: HintCause.Resync }));
    const refused = await publishHints(bus, EventSource.Resync, hints);
    if (refused > 0)
      report({ phase: "resync", error: new Error(`The bus refused ${refused} resync hints.`) });
    return hints.length;
  }

  async function refreshAll(signal: AbortSignal): Promise<void> {
    const clusters = await options.listClusters();
    const results = await Promise.allSettled(
      clusters.map((cluster) => options.refreshStatus(cluster, signal)),
    );
    for (const [i, result] of results.entries()) {
      if (result.status === "rejected")
        report({ phase: "status", cluster: clusters[i] ?? "", error: result.reason });
    }
  }

  let resyncTask: PeriodicTask | undefined;
  let statusTask: PeriodicTask | undefined;
  let lastResyncCount = 0;

  return {
    bus,
    queue,
    async start() {
      if (state !== "created")
        throw new NotRunningError(`The embedded runtime cannot start: it is ${state}.`);
      state = "running";
      bus.addRule({
        name: "reconcile-hints",
        pattern: options.reconcileHintPattern ?? busPatterns.reconcileHints,
        target: admitHint,
      });
      resyncTask = startPeriodicTask(
        async (signal) => {
          lastResyncCount = await resync(signal);
        },
        {
          intervalMs: options.resyncIntervalMs ?? EMBEDDED_RUNTIME_DEFAULTS.resyncIntervalMs,
          jitter: options.resyncJitter ?? EMBEDDED_RUNTIME_DEFAULTS.resyncJitter,
          runAtStart: options.resyncAtStart ?? true,
          onError: (error) => report({ phase: "resync", error }),
        },
      );
      statusTask = startPeriodicTask(refreshAll, {
        intervalMs: options.statusIntervalMs ?? EMBEDDED_RUNTIME_DEFAULTS.statusIntervalMs,
        runAtStart: true,
        onError: (error) => report({ phase: "status", cluster: "", error }),
      });
      timers.push(resyncTask, statusTask);
    },
    async stop() {
      if (state === "stopped") return { completed: true, abandonedKeys: [] };
      state = "stopped";
      await Promise.all(timers.map((task) => task.stop()));
      await bus.close();
      return queue.shutdown({ timeoutMs: options.stopTimeoutMs ?? EMBEDDED_RUNTIME_DEFAULTS.stopTimeoutMs });
    },
    async resyncNow() {
      if (!resyncTask) throw new NotRunningError("The embedded runtime is not running.");
      await resyncTask.runNow();
      return lastResyncCount;
    },
    async refreshStatusNow() {
      if (!statusTask) throw new NotRunningError("The embedded runtime is not running.");
      await statusTask.runNow();
    },
  };
}
