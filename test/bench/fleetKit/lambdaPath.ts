/**
 * The fleet benchmark's Lambda path: what the status and reconcile functions do per registered cluster, run
 * in-process against the sandbox with one gateway (own connections, the registry's default rate limit) and one
 * EMQX API factory per cluster, reading straight from the apiserver (no watch cache, as in Lambda). Every
 * cluster's calls are metered, so the caps can be printed next to what was seen.
 */
import { KubeGateway, type KubeTarget, type RequestStatsSnapshot } from "@emqx-reconciler/adapters";
import { DEFAULT_RATE_LIMIT } from "@emqx-reconciler/adapters/aws";
import type { PutEventsEntry } from "@emqx-reconciler/api";
import {
  createEmqxApiFactory,
  cryptoRandom,
  type Logger,
  mapBounded,
  type Publisher,
  reconcile,
  refreshStatus,
  systemClock,
} from "@emqx-reconciler/runtime";
import { CallMeter, type MeterPeaks, maxOf } from "./meter.ts";

/** The registry's default per-cluster rate limit. */
export const CLUSTER_RATE_LIMIT = DEFAULT_RATE_LIMIT;
/** The status function's defaults: clusters at once, and CRs at once within a cluster. */
export const STATUS_CAPS = { clusters: 32, crsPerCluster: 8 } as const;

/** A logger that keeps only the byte count of the JSON lines it would print. */
class ByteCountingLogger implements Logger {
  bytes = 0;
  lines = 0;
  #line(level: string, message: string, fields: object = {}) {
    this.lines += 1;
    this.bytes += JSON.stringify({ level, message, ...fields }).length + 1;
  }
  info = (m: string, f?: object) => this.#line("INFO", m, f);
  warn = (m: string, f?: object) => this.#line("WARN", m, f);
  error = (m: string, f?: object) => this.#line("ERROR", m, f);
}

/** A publisher that counts the entries it is given and accepts them all. */
class CountingPublisher implements Publisher {
  entries = 0;
  async putEvents(entries: PutEventsEntry[]) {
    this.entries += entries.length;
    return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: "bench" })) };
  }
}

/** One registered cluster as the functions hold it: its gateway and EMQX factory, metered. */
interface ClusterPorts {
  id: string;
  gateway: KubeGateway;
  kubeMeter: CallMeter;
  emqxMeter: CallMeter;
  deps: Parameters<typeof refreshStatus>[0] & Parameters<typeof reconcile>[0];
}

/** What one pass over the fleet measured. */
export interface FleetPass {
  wallMs: number;
  kube: RequestStatsSnapshot;
  emqxCalls: number;
  busEntries: number;
  logBytes: number;
  logLines: number;
  rssDeltaBytes: number;
  /** Peaks over the clusters: the busiest cluster's numbers. */
  peak: { kube: MeterPeaks; emqx: MeterPeaks; crsInFlight: number };
  /** Outcomes of the passes (reconcile) or failures (status). */
  outcomes: Record<string, number>;
  /** Each reconcile pass's own wall time, sorted (empty for a status run). */
  passMs: number[];
}

/** The functions' view of a fleet whose clusters are the sandbox's namespaces. */
export class LambdaFleet {
  readonly #clusters: ClusterPorts[];
  readonly #logger = new ByteCountingLogger();
  readonly #publisher = new CountingPublisher();

  constructor(kubeConfig: KubeTarget, namespaces: readonly string[]) {
    this.#clusters = namespaces.map((ns) => {
      const gateway = new KubeGateway({ kubeConfig, namespaces: [ns], rateLimit: CLUSTER_RATE_LIMIT });
      const kubeMeter = new CallMeter();
      const emqxMeter = new CallMeter();
      const kube = kubeMeter.wrap(gateway);
      const factory = createEmqxApiFactory({ kube: gateway });
      const emqxApi = {
        ...factory,
        open: async (target: Parameters<typeof factory.open>[0]) => {
          const api = await factory.open(target);
          return api && emqxMeter.wrap(api);
        },
      };
      const deps = {
        kube,
        emqxApi,
        publisher: this.#publisher,
        clock: systemClock,
        random: cryptoRandom,
        logger: this.#logger,
        concurrency: STATUS_CAPS.crsPerCluster,
        rebalance: true,
      };
      return { id: ns, gateway, kubeMeter, emqxMeter, deps };
    });
  }

  /** One status run over every cluster, as the status function does it. */
  async refreshAll(): Promise<FleetPass> {
    let crsInFlight = 0;
    const outcomes: Record<string, number> = {};
    const pass = await this.#measure(async () => {
      const results = await mapBounded(this.#clusters, STATUS_CAPS.clusters, async (c) => {
        let current = 0;
        const deps = {
          ...c.deps,
          emqxApi: {
            ...c.deps.emqxApi,
            open: async (target: Parameters<typeof c.deps.emqxApi.open>[0]) => {
              current += 1;
              crsInFlight = Math.max(crsInFlight, current);
              try {
                return await c.deps.emqxApi.open(target);
              } finally {
                current -= 1;
              }
            },
          },
        };
        return refreshStatus(deps, c.id);
      });
      for (const r of results) {
        const key = r.status === "rejected" ? "cluster failed" : r.value.failed > 0 ? "CR failed" : "ok";
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
    });
    return { ...pass, outcomes, passMs: [], peak: { ...pass.peak, crsInFlight } };
  }

  /** One reconcile pass of each named CR of every cluster, 8 CRs at once, as the reconcile function does. */
  async reconcileEach(names: readonly string[]): Promise<FleetPass> {
    const outcomes: Record<string, number> = {};
    const passMs: number[] = [];
    const keys = this.#clusters.flatMap((c) => names.map((name) => ({ c, name })));
    const pass = await this.#measure(async () => {
      await mapBounded(keys, 8, async ({ c, name }) => {
        const t0 = performance.now();
        const result = await reconcile(c.deps, { cluster: c.id, namespace: c.id, name });
        passMs.push(performance.now() - t0);
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      });
    });
    return { ...pass, outcomes, passMs: passMs.sort((a, b) => a - b) };
  }

  async #measure(run: () => Promise<void>): Promise<Omit<FleetPass, "outcomes" | "passMs">> {
    for (const c of this.#clusters) {
      c.gateway.resetStats();
      c.kubeMeter.reset();
      c.emqxMeter.reset();
    }
    this.#logger.bytes = 0;
    this.#logger.lines = 0;
    this.#publisher.entries = 0;
    const rss = process.memoryUsage().rss;
    const t0 = performance.now();
    await run();
    const wallMs = performance.now() - t0;
    const stats = this.#clusters.map((c) => c.gateway.stats());
    const byRequest: Record<string, number> = {};
    for (const s of stats)
      for (const [k, v] of Object.entries(s.byRequest)) byRequest[k] = (byRequest[k] ?? 0) + v;
    const kubePeaks = this.#clusters.map((c) => c.kubeMeter.peaks());
    const emqxPeaks = this.#clusters.map((c) => c.emqxMeter.peaks());
    return {
      wallMs,
      kube: {
        reads: stats.reduce((n, s) => n + s.reads, 0),
        writes: stats.reduce((n, s) => n + s.writes, 0),
        byRequest,
        throttled: {
          requests: stats.reduce((n, s) => n + s.throttled.requests, 0),
          ms: stats.reduce((n, s) => n + s.throttled.ms, 0),
        },
      },
      emqxCalls: emqxPeaks.reduce((n, p) => n + p.calls, 0),
      busEntries: this.#publisher.entries,
      logBytes: this.#logger.bytes,
      logLines: this.#logger.lines,
      rssDeltaBytes: process.memoryUsage().rss - rss,
      peak: {
        kube: {
          calls: maxOf(kubePeaks, (p) => p.calls),
          inFlight: maxOf(kubePeaks, (p) => p.inFlight),
          perSecond: maxOf(kubePeaks, (p) => p.perSecond),
        },
        emqx: {
          calls: maxOf(emqxPeaks, (p) => p.calls),
          inFlight: maxOf(emqxPeaks, (p) => p.inFlight),
          perSecond: maxOf(emqxPeaks, (p) => p.perSecond),
        },
        crsInFlight: 0,
      },
    };
  }

  /** Closes every cluster's connections. */
  async close(): Promise<void> {
    await Promise.all(this.#clusters.map((c) => c.gateway.close()));
  }
}
