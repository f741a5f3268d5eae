import {
  isKubeError,
  KubeErrorKind,
  type KubeObject,
  type WatchEnd,
  type WatchEvent,
} from "@emqx-reconciler/adapters";
import type { Logger } from "../../ports.ts";
import { type BackoffOptions, computeBackoffMs, sleep } from "./backoff.ts";
import type { Scope } from "./ObjectTracker.ts";
import type { ForwarderKube } from "./types.ts";

/** Watch timings. */
export interface WatchTimings {
  /**
   * Server-side length of one watch; the apiserver then ends it cleanly and the informer resumes from the last
   * resourceVersion it saw (events and bookmarks), losing nothing. @default 300
   */
  timeoutSeconds: number;
  /**
   * Client-side inactivity limit: a watch silent for this long is presumed half-open and restarted from its last
   * resourceVersion. Well above the apiserver's bookmark period (about a minute) — not client-node's 30 s, which
   * would cut every quiet watch. @default 90_000
   */
  idleTimeoutMs: number;
}

/** Options of {@link startInformer}. */
export interface InformerOptions {
  kube: ForwarderKube;
  scope: Scope;
  labelSelector?: string;
  /** List metadata only (Secrets: their values are never read). */
  metadataOnly?: boolean;
  timings: WatchTimings;
  backoff: BackoffOptions;
  signal: AbortSignal;
  logger: Logger;
  /** Fields added to every log line (the cluster). */
  logFields: Record<string, unknown>;
  /**
   * Set for a kind whose CRD may be missing, or be installed or removed while the informer runs (the operator's
   * `Rebalance`): a 404 on a list or a watch then means that none exist. The scope is reported empty once
   * (`onList` with no items, which counts as listed) and listed again after this many milliseconds, with no other
   * request meanwhile. A 403 (an identity not granted the kind's list and watch) is reported by `onUnavailable`
   * and looked at again in the same way. Unset, a 404 or 403 is a failure like any other.
   */
  absentRecheckMs?: number;
  onList(items: readonly KubeObject[], mode: "initial" | "relist", resourceVersion: string): void;
  /** The scope cannot be listed or watched (see `absentRecheckMs`): what was listed of it is no longer current. */
  onUnavailable?(): void;
  onEvent(event: WatchEvent): void;
}

/** Counters of one informer. */
export interface InformerStats {
  lists: number;
  /** Lists after 410 Gone. */
  relists: number;
  watches: number;
  /** Watch events received, bookmarks included. */
  events: number;
  /** How watches ended. */
  ends: Record<WatchEnd["reason"], number>;
  /** Consecutive failures now (lists or watches); 0 when healthy. */
  failures: number;
  lastError: string | undefined;
  /** The resourceVersion the next watch starts from. */
  resourceVersion: string | undefined;
  /** Lists and watches answered 404 or 403 for a kind with `absentRecheckMs` (its CRD not installed, or not granted). */
  absent: number;
}

/** A running list + watch loop of one scope. */
export interface Informer {
  /** Resolves after the first successful list; rejects never (it waits through failures). */
  readonly listed: Promise<void>;
  /** Resolves when the loop ended (the signal aborted). */
  readonly done: Promise<void>;
  stats(): InformerStats;
}

/** A watch that ends this fast without one event is a failure, unless it is a first 410 (see the loop). */
const SHORT_WATCH_MS = 1000;

/**
 * Lists a scope, then watches it from the list's resourceVersion for as long as `signal` lives, as client-go's
 * reflector does: a clean end (server timeout) or an idle end resumes from the last resourceVersion seen,
 * bookmarks included, so a change made between two watches is still delivered; 410 Gone relists; any other
 * failure backs off (jittered, exponential, `Retry-After` as a floor — 429 included, without relisting) and
 * resumes. Each informer has its own loop and backoff, so one failing scope or cluster stalls no other.
 */
export function startInformer(options: InformerOptions): Informer {
  const { kube, scope, signal, logger } = options;
  const stats: InformerStats = {
    lists: 0,
    relists: 0,
    watches: 0,
    events: 0,
    ends: { closed: 0, idle: 0, gone: 0, error: 0, stopped: 0 },
    failures: 0,
    lastError: undefined,
    resourceVersion: undefined,
    absent: 0,
  };
  const fields = { ...options.logFields, kind: scope.kind, namespace: scope.namespace };
  let watchesAtLastList = 0;
  let markListed: () => void = () => undefined;
  const listed = new Promise<void>((resolve) => {
    markListed = resolve;
  });

  async function fail(error: unknown, what: string): Promise<void> {
    stats.failures++;
    stats.lastError = error instanceof Error ? error.message : String(error);
    const retryAfterMs = isKubeError(error) ? (error.retryAfterSeconds ?? 0) * 1000 : 0;
    const delayMs = computeBackoffMs(stats.failures, options.backoff, retryAfterMs);
    logger.warn(`${what} failed; retrying`, { ...fields, error: stats.lastError, delayMs });
    await sleep(delayMs, signal);
  }

  /**
   * For a kind with `absentRecheckMs`: `absent` when `error` says the kind does not exist (its CRD is not
   * installed), `forbidden` when this identity may not list or watch it (RBAC granted before it was watched).
   */
  function unavailable(error: unknown): "absent" | "forbidden" | undefined {
    if (options.absentRecheckMs === undefined || !isKubeError(error)) return undefined;
    if (error.kind === KubeErrorKind.NotFound) return "absent";
    return error.status === 403 ? "forbidden" : undefined;
  }

  /** What the consumer was last told of the scope, and the last reason logged for a pause. */
  let told: "listed" | "absent" | "dropped" | undefined;
  let logged: "absent" | "forbidden" | undefined;

  /**
   * Tells the consumer the scope is empty (absent) or no longer current (forbidden) unless it knows, logs the
   * reason once while it lasts, then waits `absentRecheckMs` before the next list.
   */
  async function pause(mode: "initial" | "relist", why: "absent" | "forbidden"): Promise<void> {
    stats.absent++;
    stats.failures = 0;
    stats.resourceVersion = undefined;
    if (why === "absent" && told !== "absent") options.onList([], mode, "");
    if (why === "forbidden" && told !== "dropped") options.onUnavailable?.();
    told = why === "absent" ? "absent" : "dropped";
    if (logged !== why) {
      logged = why;
      const what =
        why === "absent"
          ? `No ${scope.kind} kind (its CRD is not installed); looking again later`
          : `Not allowed to list and watch ${scope.kind}; read without the cache, looking again later`;
      (why === "absent" ? logger.info : logger.warn)(what, { ...fields, recheckMs: options.absentRecheckMs });
    }
    markListed();
    await sleep(options.absentRecheckMs ?? 0, signal);
  }

  async function list(mode: "initial" | "relist"): Promise<boolean | "absent" | "forbidden"> {
    try {
      const request = kube.list(scope.kind, {
        namespace: scope.namespace,
        labelSelector: options.labelSelector,
        metadataOnly: options.metadataOnly,
      });
      const result = await untilAborted(request, signal);
      if (!result) return false;
      told = "listed";
      // Found after being missing: a later removal is news again (a forbidden watch is not, while it lasts).
      if (logged === "absent") logged = undefined;
      stats.lists++;
      if (mode === "relist") stats.relists++;
      watchesAtLastList = stats.watches;
      stats.resourceVersion = result.resourceVersion;
      options.onList(result.items, mode, result.resourceVersion);
      logger.debug?.(`Listed ${scope.kind}`, { ...fields, items: result.items.length, mode });
      return true;
    } catch (error) {
      const why = unavailable(error);
      if (why) return why;
      await fail(error, `List of ${scope.kind}`);
      return false;
    }
  }

  /** Runs one watch; `quick` when it ended within a second without one event. */
  async function watchOnce(resourceVersion: string): Promise<{ end: WatchEnd; quick: boolean }> {
    stats.watches++;
    let events = 0;
    const started = Date.now();
    const handle = kube.watchKind(
      scope.kind,
      {
        ...options.timings,
        namespace: scope.namespace,
        labelSelector: options.labelSelector,
        resourceVersion,
      },
      (event) => {
        events++;
        stats.events++;
        options.onEvent(event);
      },
    );
    const stop = () => handle.stop();
    signal.addEventListener("abort", stop, { once: true });
    const end = await handle.done.finally(() => signal.removeEventListener("abort", stop));
    stats.ends[end.reason]++;
    stats.resourceVersion = end.resourceVersion;
    return { end, quick: events === 0 && Date.now() - started < SHORT_WATCH_MS };
  }

  /**
   * A watch that ends at once without events counts as a failure (backoff), so a refusing server is not
   * hammered — except a 410 on a resume, the normal answer when the server no longer has that position. A 410
   * right after a fresh list does back off before the next relist.
   */
  async function loop(): Promise<void> {
    let mode: "initial" | "relist" | undefined = "initial";
    while (!signal.aborted) {
      if (mode) {
        const outcome = await list(mode);
        if (outcome === "absent" || outcome === "forbidden") {
          await pause(mode, outcome);
          mode = "relist";
          continue;
        }
        if (!outcome) continue;
        if (mode === "initial") markListed();
        mode = undefined;
        stats.failures = 0;
      }
      const fromList = stats.watches === watchesAtLastList;
      const { end, quick } = await watchOnce(stats.resourceVersion ?? "");
      if (end.reason === "stopped") break;
      const why = end.reason === "error" ? unavailable(end.error) : undefined;
      if (why) {
        await pause("relist", why);
        mode = "relist";
        continue;
      }
      const gone =
        end.reason === "gone" ||
        (end.reason === "error" && isKubeError(end.error) && end.error.status === 410);
      if (end.reason === "error" && !gone) await fail(end.error, `Watch of ${scope.kind}`);
      else if (quick && (!gone || fromList))
        await fail(new Error(`Watch ended at once (${end.reason})`), "Watch");
      else stats.failures = 0;
      if (gone) {
        logger.info(`Relisting ${scope.kind} after 410 Gone`, {
          ...fields,
          resourceVersion: end.resourceVersion,
        });
        mode = "relist";
      }
    }
  }

  const done = loop();
  return { listed, done, stats: () => ({ ...stats, ends: { ...stats.ends } }) };
}

/** The promise's value, or `undefined` as soon as `signal` aborts (the request then finishes unobserved). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
