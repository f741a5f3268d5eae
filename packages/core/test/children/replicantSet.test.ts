import { describe, expect, it } from "vitest";
import { buildCoreSet } from "../../src/children/coreSet.ts";
import { buildReplicantSet } from "../../src/children/replicantSet.ts";
import { emqxContainer, envNames, makeEmqx } from "./fixtures.ts";

const replicantSpec = (spec: Record<string, unknown> = {}, metadata?: Record<string, unknown>) =>
  makeEmqx({ replicantTemplate: { ...(metadata ? { metadata } : {}), spec: { replicas: 3, ...spec } } });

describe("buildReplicantSet", () => {
  it("is absent for an object without a replicant template spec (one that skipped the schema)", () => {
    const emqx = makeEmqx();
    const { replicantTemplate: _dropped, ...spec } = emqx.spec;
    expect(buildReplicantSet({ ...emqx, spec: spec as typeof emqx.spec })).toBeUndefined();
  });

  it("is absent for a core-only CR and has 0 replicas for an explicit 0", () => {
    expect(buildReplicantSet(makeEmqx())).toBeUndefined();
    expect(buildReplicantSet(replicantSpec({ replicas: 0 }))?.spec?.replicas).toBe(0);
  });

  it("is named <name>-replicant-<hash>, with replicant labels + template labels + hash everywhere", () => {
    const set = buildReplicantSet(replicantSpec({}, { labels: { tier: "edge" }, annotations: { a: "b" } }));
    const hash = set?.metadata?.labels?.["apps.emqx.io/pod-template-hash"];
    const expected = {
      "apps.emqx.io/instance": "emqx",
      "apps.emqx.io/managed-by": "emqx-operator",
      "apps.emqx.io/db-role": "replicant",
      tier: "edge",
      "apps.emqx.io/pod-template-hash": hash,
    };
    expect(set?.metadata?.name).toBe(`emqx-replicant-${hash}`);
    expect(set?.metadata?.labels).toEqual(expected);
    expect(set?.spec?.selector).toEqual({ matchLabels: expected });
    expect(set?.spec?.template?.metadata).toEqual({ labels: expected, annotations: { a: "b" } });
    expect(set?.metadata?.annotations).toEqual({ a: "b" });
    expect(set).toMatchObject({ apiVersion: "apps/v1", kind: "ReplicaSet", spec: { replicas: 3 } });
    expect(set?.spec).not.toHaveProperty("serviceName");
    expect(set?.spec).not.toHaveProperty("podManagementPolicy");
  });

  it("has no POD_NAME, takes EMQX_HOST from the pod IP and runs as replicant", () => {
    const container = emqxContainer(buildReplicantSet(replicantSpec())?.spec?.template);
    expect(envNames(container)).toEqual([
      "EMQX_DASHBOARD__LISTENERS__HTTP__BIND",
      "EMQX_CLUSTER__DISCOVERY_STRATEGY",
      "EMQX_CLUSTER__DNS__RECORD_TYPE",
      "EMQX_CLUSTER__DNS__NAME",
      "EMQX_HOST",
      "EMQX_NODE__DATA_DIR",
      "EMQX_NODE__ROLE",
      "EMQX_NODE__COOKIE",
      "EMQX_API_KEY__BOOTSTRAP_FILE",
    ]);
    expect(container.env?.find((e) => e.name === "EMQX_HOST")?.valueFrom).toEqual({
      fieldRef: { fieldPath: "status.podIP" },
    });
    expect(container.env?.find((e) => e.name === "EMQX_NODE__ROLE")?.value).toBe("replicant");
  });

  it("orders its volumes bootstrap-api-key, bootstrap-config, log, data, extra — data always emptyDir", () => {
    const set = buildReplicantSet(replicantSpec({ extraVolumes: [{ name: "certs", emptyDir: {} }] }));
    expect(set?.spec?.template?.spec?.volumes).toEqual([
      { name: "bootstrap-api-key", secret: { secretName: "emqx-bootstrap-api-key" } },
      { name: "bootstrap-config", configMap: { name: "emqx-configs" } },
      { name: "emqx-replicant-log", emptyDir: {} },
      { name: "emqx-replicant-data", emptyDir: {} },
      { name: "certs", emptyDir: {} },
    ]);
    expect(emqxContainer(set?.spec?.template).volumeMounts?.map((m) => m.name)).toEqual([
      "bootstrap-api-key",
      "bootstrap-config",
      "emqx-replicant-log",
      "emqx-replicant-data",
    ]);
  });

  it("uses its own topologySpreadConstraints, not the core's", () => {
    const emqx = makeEmqx({
      coreTemplate: {
        spec: {
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "core-zone", whenUnsatisfiable: "DoNotSchedule" },
          ],
        },
      },
      replicantTemplate: {
        spec: {
          replicas: 2,
          topologySpreadConstraints: [
            { maxSkew: 2, topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway" },
          ],
        },
      },
    });
    expect(buildReplicantSet(emqx)?.spec?.template?.spec?.topologySpreadConstraints).toEqual([
      { maxSkew: 2, topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway" },
    ]);
    expect(buildCoreSet(emqx).spec?.template.spec?.topologySpreadConstraints?.[0]?.topologyKey).toBe(
      "core-zone",
    );
  });

  it("gets dashboard-https and the HTTPS variable when the config enables both dashboard listeners", () => {
    const emqx = makeEmqx({
      config: { data: "dashboard.listeners.https.bind = 18084" },
      replicantTemplate: { spec: { replicas: 1 } },
    });
    const container = emqxContainer(buildReplicantSet(emqx)?.spec?.template);
    expect(container.ports?.map((p) => p.containerPort)).toEqual([18083, 18084]);
    expect(envNames(container).slice(0, 2)).toEqual([
      "EMQX_DASHBOARD__LISTENERS__HTTPS__BIND",
      "EMQX_DASHBOARD__LISTENERS__HTTP__BIND",
    ]);
  });
});
