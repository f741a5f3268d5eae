/**
 * Fleet metrics without per-cluster cost: the status run's results become cluster counts plus one finding per
 * cluster (or CR) behind them, and the EMF the functions print carries only catalogue names and the service
 * dimension — never a cluster.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fleetHealth } from "../src/fleetHealth.ts";
import { FINDING_FIELD, METRIC_DIMENSIONS, METRIC_NAMES } from "../src/metricCatalog.ts";
import { count, fleetGauge, latency, logFinding, metrics } from "../src/observability.ts";

/** Everything written to stdout and stderr while `act` ran, one entry per line. */
function printedLines(act: () => void): string[] {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture);
  try {
    act();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return chunks.join("").split("\n").filter(Boolean);
}

afterEach(() => vi.restoreAllMocks());

describe("fleetHealth", () => {
  it("counts clusters, not CRs, and gives one finding per cluster or CR behind a count", () => {
    const health = fleetHealth([
      { cluster: "eu", ok: true, attention: [] },
      { cluster: "us", ok: false, error: "connect ECONNREFUSED 10.0.0.1:443" },
      {
        cluster: "ap",
        ok: true,
        attention: [
          { namespace: "mq", name: "a", condition: "NodeStatusStale", reason: "ApiUnauthorized" },
          { namespace: "mq", name: "b", condition: "NodeStatusStale", reason: "ApiUnavailable" },
          { namespace: "mq", name: "b", condition: "ReconcileFailed", reason: "ApplyStatefulSetFailed" },
        ],
      },
    ]);
    expect(health.counts).toEqual({
      ClustersRefreshed: 3,
      ClustersUnreachable: 1,
      ClustersStatusStale: 1,
      ClustersReconcileFailing: 1,
    });
    expect(health.findings).toEqual([
      { signal: "ClustersUnreachable", cluster: "us", reason: "connect ECONNREFUSED 10.0.0.1:443" },
      { signal: "ClustersStatusStale", cluster: "ap", namespace: "mq", name: "a", reason: "ApiUnauthorized" },
      { signal: "ClustersStatusStale", cluster: "ap", namespace: "mq", name: "b", reason: "ApiUnavailable" },
      {
        signal: "ClustersReconcileFailing",
        cluster: "ap",
        namespace: "mq",
        name: "b",
        reason: "ApplyStatefulSetFailed",
      },
    ]);
  });

  it("reports a healthy fleet as zeros with no finding", () => {
    const health = fleetHealth(
      Array.from({ length: 1000 }, (_, i) => ({ cluster: `c${i}`, ok: true as const, attention: [] })),
    );
    expect(health.counts).toEqual({
      ClustersRefreshed: 1000,
      ClustersUnreachable: 0,
      ClustersStatusStale: 0,
      ClustersReconcileFailing: 0,
    });
    expect(health.findings).toEqual([]);
  });
});

describe("the EMF the functions print", () => {
  it("holds catalogue names only, with the service dimension and no cluster", () => {
    const lines = printedLines(() => {
      fleetGauge("ClustersUnreachable", 2);
      fleetGauge("ClustersWatchFailing", 0);
      latency("ReconcileDuration", 41.6);
      latency("ReconcileDuration", 230);
      count("Reconcile_converged");
      metrics.publishStoredMetrics();
    });
    const blobs = lines.map((l) => JSON.parse(l)).filter((o) => o._aws?.CloudWatchMetrics);
    expect(blobs).toHaveLength(1);
    const blob = blobs[0];
    const [directive] = blob._aws.CloudWatchMetrics;
    expect(directive.Dimensions).toEqual([Object.keys(METRIC_DIMENSIONS)]);
    expect(blob.service).toBe(METRIC_DIMENSIONS.service);
    const names = directive.Metrics.map((m: { Name: string }) => m.Name);
    expect(names.sort()).toEqual(
      ["ClustersUnreachable", "ClustersWatchFailing", "ReconcileDuration", "Reconcile_converged"].sort(),
    );
    for (const name of names) expect(METRIC_NAMES).toContain(name);
    expect(blob.ClustersUnreachable).toBe(2);
    expect(blob.ReconcileDuration).toEqual([42, 230]);
    expect(JSON.stringify(blob)).not.toMatch(/cluster"?\s*:/i);
  });

  it("names the cluster of a finding in its log line, under the finding field", () => {
    const lines = printedLines(() =>
      logFinding({
        signal: "ClustersStatusStale",
        cluster: "ap",
        namespace: "mq",
        name: "a",
        reason: "ApiUnauthorized",
      }),
    );
    const line = JSON.parse(lines.at(-1) ?? "{}");
    expect(line).toMatchObject({
      level: "WARN",
      [FINDING_FIELD]: "ClustersStatusStale",
      cluster: "ap",
      namespace: "mq",
      name: "a",
      reason: "ApiUnauthorized",
    });
  });
});
