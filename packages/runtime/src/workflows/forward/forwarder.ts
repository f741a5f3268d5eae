import { type KindName, OWNED_KINDS } from "@emqx-reconciler/adapters";
import type { Hint } from "@emqx-reconciler/api";
import { type Logger, silentLogger } from "../../ports.ts";
import type { ObjectCache } from "../cache/objectCache.ts";
import type { BackoffOptions } from "./backoff.ts";
import {
  createHintBatcher,
  type HintBatcher,
  type HintBatcherOptions,
  type HintBatcherStats,
} from "./batcher.ts";
import { ChildDigests } from "./childDigests.ts";
import { ForwarderError, ForwarderStoppedError } from "./errors.ts";
import { type Informer, type InformerStats, startInformer, type WatchTimings } from "./informer.ts";
import { CHILD_SELECTOR } from "./keyMapper.ts";
import { ObjectTracker, type Scope, scopeId, type TrackerStats } from "./ObjectTracker.ts";
import type { ForwarderKube, Publisher } from "./types.ts";

/** Options of {@link startForwarder}. */
export interface ForwarderOptions {
  /** Cluster id as registered; the first part of every hint key. */
  cluster: string;
  kube: ForwarderKube;
  /** Where hints go, through a batcher this forwarder owns (and flushes on stop)... */
  publisher?: Publisher;
  /** ...or a batcher shared by the forwarders of many clusters (fuller PutEvents requests); not closed on stop. */
  batcher?: HintBatcher;
  /** Batching options for an owned batcher. */
  batching?: Omit<HintBatcherOptions, "publisher" | "logger">;
  /** Namespaces to watch, one list + watch per kind each; all namespaces (one per kind) when omitted. */
  namespaces?: readonly string[];
  /**
   * Kinds watched besides the CRs and their children, for the read cache only (they give no hint), listed
   * without a selector, whose CRD may be missing or come and go: the operator's `Rebalance` for `run`'s status
   * refresher. While a kind's CRD is absent its scope reads as empty and costs one list per `absentRecheckMs`.
   */
  optionalKinds?: readonly KindName[];
  /** How often an optional kind whose CRD is absent is listed again. @default 60_000 */
  absentRecheckMs?: number;
  /** Hint `resync` for every CR of the first lists (a restart then converges without waiting). @default true */
  resyncOnStart?: boolean;
  watch?: Partial<WatchTimings>;
  /** Backoff of failed lists and watches. @default { baseMs: 500, maxMs: 30_000 } */
  backoff?: BackoffOptions;
  logger?: Logger;
  /** Aborting it stops the forwarder, like `stop()`. */
  signal?: AbortSignal;
  /** How long `stop()` keeps resending unsent hints of an owned batcher. @default 5_000 */
  stopFlushTimeoutMs?: number;
  /**
   * A read cache to feed with every list and watch event, before the hints they give are published: a pass a
   * hint starts then reads at least what the hint was about.
   */
  cache?: ObjectCache;
  /**
   * Put in every hint the digests of its CR's children per owned kind (see {@link ChildDigests}), so a reconcile
   * that remembers a list with the same digest need not list that kind again (the Lambda path). @default false
   */
  childDigests?: boolean;
}

/** Counters of one forwarder. */
export interface ForwarderStats {
  cluster: string;
  /** Every scope has listed at least once. */
  ready: boolean;
  /** Hints produced, before batching folded repeats. */
  hints: number;
  tracker: TrackerStats;
  /** Per scope (`Pod@*`, `EMQX@ns`). */
  informers: Record<string, InformerStats>;
  batcher: HintBatcherStats;
  /** Hints an owned batcher could not publish before `stop()` gave up. */
  unsentAtStop: number;
}

/** A running forwarder of one cluster. */
export interface Forwarder {
  /** Resolves once every initial list is done (their hints are handed to the batcher). */
  readonly ready: Promise<void>;
  stats(): ForwarderStats;
  /** Ends every watch, then flushes an owned batcher; idempotent. */
  stop(): Promise<void>;
}

export const FORWARDER_DEFAULTS = {
  watch: { timeoutSeconds: 300, idleTimeoutMs: 90_000 },
  absentRecheckMs: 60_000,
  backoff: { baseMs: 500, maxMs: 30_000 },
  stopFlushTimeoutMs: 5_000,
} as const;

/**
 * Lists and watches a cluster's EMQX CRs and their children and publishes a hint per
 * change worth a reconcile. Cheap per cluster — one list + watch per kind (× namespace), a fingerprint per
 * object — so a process can hold many clusters; each informer has its own loop and backoff, so a failing
 * cluster or kind stalls nothing else.
 *
 * @example
 * const forwarder = startForwarder({ cluster: "prod", kube, publisher: runtime.bus, logger });
 * await forwarder.ready;
 * // ... later
 * await forwarder.stop();
 */
export function startForwarder(options: ForwarderOptions): Forwarder {
  const { cluster } = options;
  const logger = options.logger ?? silentLogger;
  const batcher = options.batcher ?? ownedBatcher(options, logger);
  const optionalKinds = new Set<KindName>(options.optionalKinds ?? []);
  const scopes = computeScopes(options.namespaces, [...optionalKinds]);
  const abort = new AbortController();
  const stopped = new Promise<never>((_, reject) =>
    abort.signal.addEventListener("abort", () => reject(new ForwarderStoppedError(cluster)), { once: true }),
  );
  const tracker = new ObjectTracker(
    cluster,
    scopes.filter((s) => s.kind === "EMQX"),
  );
  const resync = options.resyncOnStart ?? true;
  let hints = 0;
  let unsentAtStop = 0;
  const digests = options.childDigests ? new ChildDigests() : undefined;
  const withDigests = (hint: Hint): Hint => {
    const childDigests = digests?.digestsFor(hint.namespace, hint.name);
    return childDigests ? { ...hint, childDigests } : hint;
  };
  const emit = (produced: Hint[]) => {
    hints += produced.length;
    for (const hint of produced) batcher.add(withDigests(hint));
  };

  const informers = new Map<string, Informer>();
  for (const scope of scopes) {
    const optional = optionalKinds.has(scope.kind);
    const labelSelector = scope.kind === "EMQX" || optional ? undefined : CHILD_SELECTOR;
    const cacheScope = { ...scope, labelSelector };
    const digested = digests && !optional && ChildDigests.tracks(scope.kind) ? digests : undefined;
    const informer = startInformer({
      kube: options.kube,
      scope,
      labelSelector,
      metadataOnly: scope.kind === "Secret",
      ...(optional ? { absentRecheckMs: options.absentRecheckMs ?? FORWARDER_DEFAULTS.absentRecheckMs } : {}),
      timings: { ...FORWARDER_DEFAULTS.watch, ...options.watch },
      backoff: options.backoff ?? FORWARDER_DEFAULTS.backoff,
      signal: abort.signal,
      logger,
      logFields: { cluster },
      onList: (items, mode, resourceVersion) => {
        options.cache?.replaceScope(cacheScope, items, resourceVersion);
        digested?.applyList(scope, items);
        if (!optional) emit(tracker.applyList(scope, items, mode, resync));
      },
      onEvent: (event) => {
        options.cache?.applyEvent(cacheScope, event);
        digested?.applyEvent(scope, event);
        if (!optional) emit(tracker.applyEvent(scope, event));
      },
      onUnavailable: () => {
        options.cache?.dropScope(cacheScope);
        digested?.dropScope(scope);
      },
    });
    informer.done.catch((error: unknown) =>
      logger.warn("Informer crashed", { cluster, scope: scopeId(scope), error: String(error) }),
    );
    informers.set(scopeId(scope), informer);
  }

  let isReady = false;
  const allListed = Promise.all([...informers.values()].map((i) => i.listed)).then(() => {
    isReady = true;
    logger.info("Forwarder ready", { cluster, scopes: informers.size });
  });
  const ready = Promise.race([allListed, stopped]);
  ready.catch(() => undefined);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      abort.abort();
      options.signal?.removeEventListener("abort", onOuterAbort);
      await Promise.allSettled([...informers.values()].map((i) => i.done));
      if (!options.batcher) {
        const timeoutMs = options.stopFlushTimeoutMs ?? FORWARDER_DEFAULTS.stopFlushTimeoutMs;
        unsentAtStop = await batcher.close({ timeoutMs });
        if (unsentAtStop > 0) logger.warn("Stopped with unsent hints", { cluster, unsent: unsentAtStop });
      }
    })();
    return stopping;
  };
  const onOuterAbort = () => void stop();
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener("abort", onOuterAbort, { once: true });

  return {
    ready,
    stats: () => ({
      cluster,
      ready: isReady,
      hints,
      tracker: tracker.stats(),
      informers: Object.fromEntries([...informers].map(([id, i]) => [id, i.stats()])),
      batcher: batcher.stats(),
      unsentAtStop,
    }),
    stop,
  };
}

/**
 * One scope per kind (EMQX, every owned kind, then `optionalKinds`), per namespace when namespaces are given.
 */
export function computeScopes(
  namespaces: readonly string[] | undefined,
  optionalKinds: readonly KindName[] = [],
): Scope[] {
  if (namespaces?.length === 0) throw new ForwarderError("namespaces: give at least one, or omit it for all");
  if (namespaces?.some((ns) => ns.trim() === ""))
    throw new ForwarderError("namespaces: every entry must be a non-empty namespace name");
  const kinds: KindName[] = ["EMQX", ...OWNED_KINDS, ...optionalKinds];
  const spaces = namespaces ? [...new Set(namespaces)] : [undefined];
  return spaces.flatMap((namespace) => kinds.map((kind) => ({ kind, namespace })));
}

function ownedBatcher(options: ForwarderOptions, logger: Logger): HintBatcher {
  if (!options.publisher) throw new ForwarderError("publisher or batcher: one of them is required");
  return createHintBatcher({ ...options.batching, publisher: options.publisher, logger });
}
