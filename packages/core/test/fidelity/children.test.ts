/**
 * The fidelity matrix: for each CR variant, every child our builders make equals, field by field, what the EMQX
 * Operator 2.2.30 writes (as the apiserver stores it), with the expectations transcribed by hand from the
 * reference. Deliberate differences are marked where a case meets one.
 */
import { describe, expect, it } from "vitest";
import { PDB_AND_SERVICE_CASES } from "./cases/exposed.ts";
import { POD_CASES } from "./cases/pods.ts";
import { crChildMeta, expectedExposed, expectedPdb, expectedWorkload } from "./expected.ts";
import type { FidelityCase } from "./fidelityCase.ts";
import {
  CONFIG_HEADER,
  DEFAULT_LISTENER_PORTS,
  HEADLESS_PORTS,
  NAME,
  NAMESPACE,
  servicePort,
} from "./operator.ts";
import { cr, hashOf, PASSWORD, RANDOM_COOKIE, render } from "./render.ts";

const CASES: FidelityCase[] = [...POD_CASES, ...PDB_AND_SERVICE_CASES];

function configData(c: FidelityCase): string {
  return ((c.spec.config as { data?: string } | undefined)?.data ?? "") as string;
}

describe("fidelity with the EMQX Operator 2.2.30", () => {
  it("covers at least 15 CR variants", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  describe.each(CASES)("$name", (c) => {
    const metadata = { ...c.metadata, ...(c.namespace ? { namespace: c.namespace } : {}) };
    const r = render(cr(c.spec, metadata), c.options);
    const ns = c.namespace ?? NAMESPACE;

    it("core StatefulSet: name, labels, selector, pod template, claims", () => {
      expect(r.core.metadata.labels["apps.emqx.io/pod-template-hash"], "<name>-core-<hash>").toMatch(
        /^[a-z0-9]{10}$/,
      );
      expect(r.core).toEqual(expectedWorkload("core", hashOf(r.core), { namespace: ns, ...c.core }));
    });

    it("replicant ReplicaSet, only with a replicantTemplate", () => {
      if (!c.replicant) return expect(r.replicant, "nil template: no replicants").toBeUndefined();
      expect(r.replicant).toEqual(
        expectedWorkload("replicant", hashOf(r.replicant), { namespace: ns, ...c.replicant }),
      );
    });

    it("Secrets: cookie quoted from node.cookie or random, API keys in spec order", () => {
      expect(r.cookie).toEqual({
        apiVersion: "v1",
        kind: "Secret",
        metadata: crChildMeta(`${NAME}-node-cookie`, c.crLabels, ns),
        stringData: { node_cookie: c.cookie ?? RANDOM_COOKIE },
      });
      const lines = [...(c.bootstrapLines ?? []), `emqx-operator-controller:${PASSWORD}`];
      expect(r.bootstrap).toEqual({
        apiVersion: "v1",
        kind: "Secret",
        metadata: crChildMeta(`${NAME}-bootstrap-api-key`, c.crLabels, ns),
        stringData: { bootstrap_api_key: lines.join("\n") },
      });
    });

    it("ConfigMap: the listeners header, a newline, config.data byte for byte", () => {
      expect(r.configMap).toEqual({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: crChildMeta(`${NAME}-configs`, c.crLabels, ns),
        data: { "emqx.conf": `${CONFIG_HEADER}${configData(c)}` },
      });
    });

    it("headless Service", () => {
      expect(r.headless).toEqual({
        apiVersion: "v1",
        kind: "Service",
        metadata: crChildMeta(`${NAME}-headless`, c.crLabels, ns),
        spec: {
          type: "ClusterIP",
          clusterIP: "None",
          sessionAffinity: "None",
          publishNotReadyAddresses: true,
          selector: {
            "apps.emqx.io/instance": NAME,
            "apps.emqx.io/managed-by": "emqx-operator",
            "apps.emqx.io/db-role": "core",
          },
          ports: HEADLESS_PORTS,
        },
      });
    });

    it("PDBs: selector without hash, budgets as given, replicant one only while replicants exist", () => {
      const { minAvailable, maxUnavailable, extraLabels } = c.corePdb ?? {};
      const budget = (p: { minAvailable?: number | string; maxUnavailable?: number | string }) => ({
        ...(p.minAvailable !== undefined ? { minAvailable: p.minAvailable } : {}),
        ...(p.maxUnavailable !== undefined ? { maxUnavailable: p.maxUnavailable } : {}),
      });
      expect(r.corePdb).toEqual(
        expectedPdb("core", budget({ minAvailable, maxUnavailable }), {
          extraLabels: extraLabels ?? c.core.extraLabels,
          crLabels: c.crLabels,
          namespace: ns,
        }),
      );
      if (!c.replicantPdb) return expect(r.replicantPdb, "no replicants: no replicant PDB").toBeUndefined();
      expect(r.replicantPdb).toEqual(
        expectedPdb("replicant", budget(c.replicantPdb), {
          extraLabels: c.replicantPdb.extraLabels ?? c.replicant?.extraLabels,
          crLabels: c.crLabels,
          namespace: ns,
        }),
      );
    });

    it("dashboard Service", () => {
      const want = c.dashboard === undefined ? { ports: [servicePort("dashboard", 18083)] } : c.dashboard;
      if (want === null) return expect(r.dashboard).toBeUndefined();
      expect(r.dashboard).toEqual(expectedExposed("dashboard", { ...want, namespace: ns }));
    });

    it("listeners Service", () => {
      const want = c.listeners === undefined ? { ports: DEFAULT_LISTENER_PORTS } : c.listeners;
      if (want === null) return expect(r.listeners).toBeUndefined();
      expect(r.listeners).toEqual(expectedExposed("listeners", { ...want, namespace: ns }));
    });
  });
});
