/**
 * Scheduled watch window over one shard of the registry: list, watch, flush hints to the bus. How many of the
 * shard's clusters could not be watched is one fleet metric; each of them is one finding log line.
 *
 * Resync: the window on each `FORWARDER_RESYNC_SECONDS` boundary (hourly by default) hints `resync` for every CR;
 * the others only forward changes, since overlapping windows see every change. A cluster this container has not
 * watched yet (a cold start, a newly registered cluster) is resynced at once, so its CRs never wait for the hour.
 *
 * Opening: at most `FORWARDER_OPEN_CONCURRENCY` (default 50) clusters run their opening lists at once, which bounds
 * the shard's memory peak (list bodies, parsed objects, TLS handshakes in flight); the rest wait their turn, so the
 * clusters opened last start watching later in the window (the opening lists are CPU-bound, so about as late as
 * when all open together).
 */
import { shardClusters } from "@emqx-reconciler/adapters/aws";
import { createHintBatcher, createOpenGate, isResyncWindow, runWatchWindow } from "@emqx-reconciler/runtime";
import * as z from "zod";
import { clusterGateways } from "./clusters.ts";
import { numberEnv } from "./config.ts";
import { count, fleetGauge, logFinding, logger, portLogger, withObservability } from "./observability.ts";
import { busTarget, registry } from "./shared.ts";

/** The constant input of the shard's schedule (`sst.aws.Cron` `event`). */
const ShardSchema = z.object({ shard: z.int().min(0).default(0), shards: z.int().min(1).default(1) });
const FLUSH_MARGIN_MS = 15_000;
/** Clusters this container has watched through a whole window. */
const watchedBefore = new Set<string>();

export const handler = withObservability<unknown>().handler(async (event, context) => {
  const { shard, shards } = ShardSchema.parse(event ?? {});
  const clusters = shardClusters(await (await registry()).list(), shard, shards);
  const windowMs = Math.min(
    numberEnv(process.env, "FORWARDER_WINDOW_SECONDS", 270) * 1000,
    context.getRemainingTimeInMillis() - FLUSH_MARGIN_MS,
  );
  const resyncWindow = isResyncWindow(
    Date.now(),
    numberEnv(process.env, "FORWARDER_EVERY_SECONDS", 300) * 1000,
    numberEnv(process.env, "FORWARDER_RESYNC_SECONDS", 3600) * 1000,
  );
  // Leading: the first change of a quiet cluster goes to the bus at once; a burst still shares a window's requests.
  const batcher = createHintBatcher({
    publisher: busTarget(),
    leading: true,
    logger: portLogger({ shard: String(shard) }),
  });
  const openGate = createOpenGate(numberEnv(process.env, "FORWARDER_OPEN_CONCURRENCY", 50));
  const windows = clusters.map(async (entry) => {
    const kube = await (await clusterGateways()).get(entry);
    const result = await runWatchWindow({
      ...(entry.namespaces ? { namespaces: entry.namespaces } : {}),
      cluster: entry.id,
      kube,
      batcher,
      openGate,
      durationMs: windowMs,
      resync: resyncWindow || !watchedBefore.has(entry.id),
      // Each hint tells which kinds of its CR's children changed, so the reconcile lists only those.
      childDigests: true,
      logger: portLogger({ cluster: entry.id }),
    });
    watchedBefore.add(entry.id);
    return result;
  });
  const results = await Promise.allSettled(windows);
  await batcher.close();
  let failing = 0;
  for (const [i, r] of results.entries()) {
    if (r.status === "fulfilled") continue;
    failing += 1;
    const reason = r.reason instanceof Error ? r.reason.message : String(r.reason);
    logFinding({ signal: "ClustersWatchFailing", cluster: clusters[i]?.id ?? "", reason });
  }
  fleetGauge("ClustersWatchFailing", failing);
  count("HintsForwarded", batcher.stats().published);
  const openedMs = results.map((r) => (r.status === "fulfilled" ? (r.value.openedMs ?? 0) : 0));
  logger.info("Closed watch window", {
    shard,
    shards,
    clusters: clusters.length,
    lastOpenedMs: Math.max(0, ...openedMs),
    resyncWindow,
    ...batcher.stats(),
  });
  return { clusters: clusters.length, published: batcher.stats().published };
});
