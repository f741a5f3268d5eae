import { describe, expect, it } from "vitest";
import { computePodFacts } from "../../src/emulator/podFacts.ts";
import { computeVersionInfo, hasRelVsn } from "../../src/emulator/versions.ts";
import { buildPod } from "./pods.ts";

const NOW = Date.parse("2026-01-01T01:00:00Z");

describe("computePodFacts", () => {
  it("names a core by its pod FQDN from the operator's env and a replicant by its pod IP", () => {
    const core = computePodFacts(
      buildPod({ name: "emqx-core-x-0", ip: "127.1.0.5", role: "core", namespace: "ns1" }),
      NOW,
    );
    expect(core).toMatchObject({
      podKey: "ns1/emqx-core-x-0",
      clusterKey: "ns1/emqx",
      nodeName: "emqx@emqx-core-x-0.emqx-headless.ns1.svc.cluster.local",
      role: "core",
      port: 18083,
      startedAt: Date.parse("2026-01-01T00:00:00Z"),
    });
    const replicant = computePodFacts(
      buildPod({ name: "emqx-replicant-x-abc", ip: "127.1.0.6", role: "replicant" }),
      NOW,
    );
    expect(replicant).toMatchObject({ nodeName: "emqx@127.1.0.6", role: "replicant" });
  });

  it("takes the dashboard port from EMQX_DASHBOARD__LISTENERS__HTTP__BIND", () => {
    expect(
      computePodFacts(buildPod({ name: "p", ip: "127.1.0.7", role: "core", port: 28083 }), NOW)?.port,
    ).toBe(28083);
  });

  it("ignores pods that are not running, have no IP, or are being deleted", () => {
    expect(
      computePodFacts(buildPod({ name: "p", ip: "127.1.0.8", role: "core", phase: "Pending" }), NOW),
    ).toBeUndefined();
    expect(computePodFacts(buildPod({ name: "p", ip: "", role: "core" }), NOW)).toBeUndefined();
    const deleting = buildPod({ name: "p", ip: "127.1.0.8", role: "core" });
    deleting.metadata = { ...deleting.metadata, deletionTimestamp: new Date(NOW) };
    expect(computePodFacts(deleting, NOW)).toBeUndefined();
  });
});

describe("computeVersionInfo", () => {
  it("reads the version from the image tag and derives edition and OTP", () => {
    expect(computeVersionInfo("emqx/emqx:6.0.1")).toMatchObject({
      version: "6.0.1",
      edition: "Enterprise",
      otpRelease: "27.3.4.2-4/15.2.7.1",
    });
    expect(computeVersionInfo("emqx/emqx-enterprise:5.8.6")).toMatchObject({
      version: "5.8.6",
      edition: "Enterprise",
    });
    expect(computeVersionInfo("registry:5000/emqx/emqx:5.8.9-alpine")).toMatchObject({
      version: "5.8.9",
      edition: "Opensource",
    });
    expect(computeVersionInfo("emqx:latest").version).toBe("6.0.1");
  });

  it("knows which releases still report rel_vsn", () => {
    const r = (v: string) => computeVersionInfo(`emqx/emqx:${v}`).release;
    expect([
      hasRelVsn(r("6.0.1")),
      hasRelVsn(r("6.0.3")),
      hasRelVsn(r("6.1.1")),
      hasRelVsn(r("6.2.0")),
      hasRelVsn(r("5.10.4")),
    ]).toEqual([true, false, true, false, false]);
  });
});
