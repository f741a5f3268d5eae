/**
 * The monthly cost of 1, 100 and 1,000 single-CR clusters at steady state, from the counts the fleet benchmark
 * measured (`npm run bench -- fleet` writes them to FLEET_OUT, default `~/.cache/emqx-reconciler/bench/fleet.json`)
 * and the deployed design (`infra/topology.ts`). Run: `npm run bench -- cost`. Prints the table and the
 * assumptions; asserts nothing. Without a measurement file it says so and exits 0.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { COUNTERS, FleetMetric, LatencyMetric } from "@emqx-reconciler/functions/metrics";
import { fleetAlarms } from "../../infra/observability.ts";
import { functions, schedules } from "../../infra/topology.ts";
import { type Design, type Measured, monthlyCost, PRICES, sizeForwarder, total } from "./costKit/model.ts";

const file = process.env.FLEET_OUT ?? join(homedir(), ".cache", "emqx-reconciler", "bench", "fleet.json");
if (!existsSync(file)) {
  console.log(`cost: no fleet measurement at ${file}; run \`npm run bench -- fleet\` first`);
  process.exit(0);
}
const fleet = JSON.parse(readFileSync(file, "utf8"));
const statusConcurrency = 32;
/** How far the shard's peak (as the deployed bundle holds it) rose above its clusters' memory after GC. */
function peakOverhead(f: Record<string, number | undefined>): { forwarderPeakOverheadBytes?: number } {
  const peak = f.http2BundlePeakRssBytes;
  const perCluster = f.http2RssPerClusterBytes;
  if (peak === undefined || perCluster === undefined || f.clusters === undefined) return {};
  const held = (f.bundleRssBytes ?? 0) + f.clusters * perCluster;
  return { forwarderPeakOverheadBytes: Math.max(0, peak - held) };
}
const measured: Measured = {
  statusMsPerCluster: (fleet.statusRun.wallMs * Math.min(statusConcurrency, fleet.clusters)) / fleet.clusters,
  reconcileMs: fleet.reconcilePass.p50Ms,
  reconcileLogBytes: fleet.reconcilePass.logBytes,
  forwarderBaseBytes: fleet.forwarder.bundleRssBytes,
  forwarderBytesPerCluster: fleet.forwarder.http2RssPerClusterBytes ?? fleet.forwarder.rssPerClusterBytes,
  ...peakOverhead(fleet.forwarder),
};
/** Metrics with data every hour at steady state; the other counters are billed only for hours they have data. */
const steadyCounters = COUNTERS.filter((c) =>
  ["HintsForwarded", "HintsAdmitted", "Reconcile_converged", "StatusPatched"].includes(c),
);
const design: Design = {
  forwarderMaxClustersPerShard: 1000,
  forwarderEverySeconds: 300,
  forwarderWindowSeconds: schedules.forwarder.windowSeconds,
  forwarderFill: 0.8,
  forwarderPeakFill: 0.9,
  resyncEverySeconds: schedules.forwarder.resyncSeconds,
  statusEverySeconds: 60,
  statusMemoryMb: functions.status.memoryMb,
  statusConcurrency,
  reconcileMemoryMb: functions.reconcile.memoryMb,
  admitMemoryMb: functions.admit.memoryMb,
  admitMs: 50,
  metrics: Object.keys(FleetMetric).length + Object.keys(LatencyMetric).length + steadyCounters.length,
  alarms: 5 + Object.keys(functions).length + Object.keys(fleetAlarms).length,
  platformLogBytesPerInvocation: 700,
  summaryLogBytes: 400,
  emfBytesPerInvocation: 800,
  idleQueuePollsPerMinute: 15,
};

console.log(`cost: from ${file} (${fleet.clusters} clusters × ${fleet.crsPerCluster} CRs measured)`);
console.log(
  `  measured: status ${measured.statusMsPerCluster.toFixed(0)} ms per cluster at ${statusConcurrency} at once; converged reconcile ${measured.reconcileMs.toFixed(0)} ms, ${measured.reconcileLogBytes.toFixed(0)} log bytes; forwarder ${(measured.forwarderBaseBytes / 2 ** 20).toFixed(0)} MiB + ${(measured.forwarderBytesPerCluster / 1024).toFixed(0)} KiB per cluster after GC, peak ${((measured.forwarderPeakOverheadBytes ?? 0) / 2 ** 20).toFixed(0)} MiB above that (shards sized to the larger of memory after GC / ${design.forwarderFill} and peak / ${design.forwarderPeakFill})`,
);
/** Prints the bill of `clusters` under `d`, titled with the forwarder settings it needs. */
function printBill(clusters: number, d: Design, title: string, settings = ""): void {
  const lines = monthlyCost(clusters, measured, d);
  const sized = sizeForwarder(clusters, measured, d);
  console.log(
    `\n  ${title}: $${total(lines).toFixed(2)} / month (EMQX_FORWARDER_SHARDS=${sized.shards} EMQX_FORWARDER_MEMORY_MB=${sized.memoryMb}${settings})`,
  );
  console.log("  | item | arithmetic | $/month |\n  | --- | --- | --- |");
  for (const l of lines) console.log(`  | ${l.item} | ${l.arithmetic} | ${l.usd.toFixed(2)} |`);
  console.log(`  | **total** | | **${total(lines).toFixed(2)}** |`);
}

for (const clusters of [1, 100, 1000]) printBill(clusters, design, `${clusters} single-CR cluster(s)`);
/**
 * The large-fleet setting: windows a little shorter than their period, so the shard is billed for 280 of every
 * 300 s. A change made in the 20 s between two windows (or before its cluster's opening list) is seen by a list
 * that only seeds the tracker, so it is hinted by the next hourly resync, not at once.
 */
const LARGE_FLEET_WINDOW_SECONDS = 280;
printBill(
  1000,
  { ...design, forwarderWindowSeconds: LARGE_FLEET_WINDOW_SECONDS },
  "1000 single-CR clusters, large-fleet setting",
  ` EMQX_FORWARDER_WINDOW_SECONDS=${LARGE_FLEET_WINDOW_SECONDS}`,
);
console.log(
  `\n  assumptions: prices ${JSON.stringify(PRICES)}; Lambda logs ${design.platformLogBytesPerInvocation} B of platform lines + ${design.emfBytesPerInvocation} B of EMF per invocation; admit ${design.admitMs} ms; idle queues long-polled ${design.idleQueuePollsPerMinute}×/min each; ${design.metrics} metrics with data every hour; sandbox latencies stand for the cluster's (same region).`,
);
