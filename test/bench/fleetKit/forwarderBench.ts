/**
 * The forwarder part of the fleet benchmark: one shard process over every cluster, per protocol. Memory per
 * cluster is read after a memory-reducing collection, so it is what the clusters hold; the peak RSS of the whole
 * window (the opening lists' burst included) is printed beside it, under the heap flags Lambda gives the shard.
 */
import { mapBounded } from "@emqx-reconciler/runtime";
import type { BenchSandbox } from "../../e2e/support/benchKit.ts";
import { seconds } from "../../e2e/support/benchKit.ts";
import { bundledForwarderRss, startShard } from "./shardProcess.ts";

/** What the cost model reads of the forwarder (`fleet.json`'s `forwarder`). */
export interface ForwarderCounts {
  /** Clusters the shard watched. */
  clusters: number;
  /** The Lambda memory whose heap flags the shard ran with. */
  shardMemoryMb: number;
  bundleRssBytes: number;
  rssPerClusterBytes?: number;
  http2RssPerClusterBytes?: number;
  /** Peak RSS of the shard over HTTP/2, from sources, the opening lists and the burst included. */
  http2PeakRssBytes?: number;
  /**
   * The peak as the deployed bundle would hold it: the sources' peak less what the sources hold before any
   * cluster beyond the bundle (TypeScript loading, the workspace's unbundled modules).
   */
  http2BundlePeakRssBytes?: number;
  /** How many clusters opened at once in the shard (`FORWARDER_OPEN_CONCURRENCY`). */
  openConcurrency?: number;
  /** The V8 semi-space size the shard ran with, when not Lambda's default for its memory. */
  semiSpaceMb?: number;
  cpuMsPerHint?: number;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
/** A Lambda function's share of one vCPU: 1,769 MB buys one full vCPU. */
const vcpuShare = (memoryMb: number) => memoryMb / 1769;

/** Runs a shard per protocol over `namespaces` (each one cluster holding the CRs `names`) and prints it. */
export async function measureForwarder(
  bench: BenchSandbox,
  namespaces: readonly string[],
  names: readonly string[],
  shardMb: number,
  protocols: ReadonlyArray<"http1" | "http2">,
  openConcurrency: number,
  semiSpaceMb?: number,
): Promise<ForwarderCounts> {
  const clusters = namespaces.length;
  const total = clusters * names.length;
  const bundleRss = bundledForwarderRss(shardMb);
  const counts: ForwarderCounts = {
    clusters,
    shardMemoryMb: shardMb,
    bundleRssBytes: bundleRss,
    openConcurrency,
    ...(semiSpaceMb === undefined ? {} : { semiSpaceMb }),
  };
  for (const protocol of protocols) {
    const shard = startShard(
      bench.sandbox.kubeconfigPath,
      namespaces,
      total,
      protocol,
      shardMb,
      openConcurrency,
      semiSpaceMb,
    );
    const baseline = await shard.next("baseline");
    const watching = await shard.next("watching");
    const perCluster = (Number(watching.rss) - Number(baseline.rss)) / clusters;
    const heapPerCluster = (Number(watching.heapUsed) - Number(baseline.heapUsed)) / clusters;
    shard.send(`burst ${total}`);
    await mapBounded(namespaces, 8, async (ns) => {
      for (const name of names)
        await bench.observer.patchCrAnnotations(ns, name, {
          "bench.emqx.io/touched": `${protocol}-${Date.now()}`,
        });
    });
    const burst = await shard.next("burst");
    await shard.close();
    const cpuPerHintMs = Number(burst.cpuMs) / Number(burst.hints);
    const bundlePeak = Number(burst.peakRss) - (Number(baseline.rss) - bundleRss);
    if (protocol === "http1") counts.rssPerClusterBytes = perCluster;
    else {
      counts.http2RssPerClusterBytes = perCluster;
      counts.http2PeakRssBytes = Number(burst.peakRss);
      counts.http2BundlePeakRssBytes = bundlePeak;
      counts.cpuMsPerHint = cpuPerHintMs;
    }
    const capacity = (mb: number) => Math.floor((mb * 2 ** 20 * 0.8 - bundleRss) / perCluster);
    console.log(
      `  forwarder shard over ${clusters} clusters, ${protocol} (own process, Lambda's heap flags for ${shardMb} MB${semiSpaceMb === undefined ? "" : ` with ${semiSpaceMb} MB semi-spaces`}; memory after a memory-reducing GC):`,
    );
    console.log(
      `    RSS ${mib(Number(baseline.rss))} before any cluster, ${mib(Number(watching.rss))} watching: ${(perCluster / 1024).toFixed(0)} KiB per cluster (heap ${(heapPerCluster / 1024).toFixed(0)} KiB); peak RSS ${mib(Number(burst.peakRss))} (opening lists and the burst included)`,
    );
    console.log(
      `    deployed bundle: ${mib(bundleRss)} before any cluster, ${mib(bundleRss + perCluster * clusters)} watching (after GC), peak ≈ ${mib(bundlePeak)} (the sources' peak less their ${mib(Number(baseline.rss) - bundleRss)} start above the bundle) = ${((100 * bundlePeak) / (shardMb * 2 ** 20)).toFixed(0)}% of ${shardMb} MB`,
    );
    console.log(
      `    clusters per shard within 80% of memory, from the deployed bundle's ${mib(bundleRss)}: ${capacity(128)} at 128 MB, ${capacity(256)} at 256 MB, ${capacity(512)} at 512 MB, ${capacity(1024)} at 1024 MB`,
    );
    console.log(
      `    opening lists (${watching.maxOpening} clusters at most at once): ${watching.hints} resync hints in ${seconds(Number(watching.listMs))} (the last-opened cluster's hint latency), ${Number(watching.listCpuMs).toFixed(0)} ms CPU (${(Number(watching.listCpuMs) / clusters).toFixed(1)} ms per cluster)`,
    );
    console.log(
      `    every CR changed: ${burst.hints} hints in ${seconds(Number(burst.ms))} (${((Number(burst.hints) * 1000) / Number(burst.ms)).toFixed(0)} hints/s, bound by the patches), ${cpuPerHintMs.toFixed(2)} ms CPU per hint`,
    );
    console.log(
      `    sustainable: ${(1000 / cpuPerHintMs).toFixed(0)} hints/s per vCPU; ${((1000 / cpuPerHintMs) * vcpuShare(128)).toFixed(0)} at 128 MB, ${((1000 / cpuPerHintMs) * vcpuShare(256)).toFixed(0)} at 256 MB, ${((1000 / cpuPerHintMs) * vcpuShare(512)).toFixed(0)} at 512 MB (Lambda's CPU share)`,
    );
  }
  return counts;
}
