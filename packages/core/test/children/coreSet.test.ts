import type { V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { buildCoreSet } from "../../src/children/coreSet.ts";
import { templatesDiffer } from "../../src/template/templatesDiffer.ts";
import { emqxContainer, envNames, envValue, makeEmqx } from "./fixtures.ts";

function hashOf(set: V1StatefulSet): string {
  return set.metadata?.labels?.["apps.emqx.io/pod-template-hash"] ?? "";
}

describe("buildCoreSet: name, labels, selector", () => {
  const emqx = makeEmqx({
    coreTemplate: {
      metadata: {
        labels: { tier: "broker", "apps.emqx.io/db-role": "replicant" },
        annotations: { "prometheus.io/scrape": "true" },
      },
      spec: { replicas: 3 },
    },
  });
  const set = buildCoreSet(emqx);

  it("is named <name>-core-<hash> with a 10-character hash", () => {
    expect(set.metadata?.name).toBe(`emqx-core-${hashOf(set)}`);
    expect(hashOf(set)).toMatch(/^[a-z0-9]{10}$/);
  });

  it("labels set, selector and pods with core + template labels + hash; user labels cannot override ours", () => {
    const expected = {
      "apps.emqx.io/instance": "emqx",
      "apps.emqx.io/managed-by": "emqx-operator",
      "apps.emqx.io/db-role": "core",
      tier: "broker",
      "apps.emqx.io/pod-template-hash": hashOf(set),
    };
    expect(set.metadata?.labels).toEqual(expected);
    expect(set.spec?.selector).toEqual({ matchLabels: expected });
    expect(set.spec?.template.metadata?.labels).toEqual(expected);
  });

  it("copies the template annotations to the set and the pods", () => {
    expect(set.metadata?.annotations).toEqual({ "prometheus.io/scrape": "true" });
    expect(set.spec?.template.metadata?.annotations).toEqual({ "prometheus.io/scrape": "true" });
  });

  it("runs replicas pods in parallel behind the headless Service, without copying revisionHistoryLimit", () => {
    expect(set.spec).toMatchObject({
      serviceName: "emqx-headless",
      replicas: 3,
      podManagementPolicy: "Parallel",
    });
    expect(set.spec).not.toHaveProperty("revisionHistoryLimit");
    expect(set.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "EMQX",
      name: "emqx",
      controller: true,
    });
  });

  it("is deterministic and changes name with the image or the collision count", () => {
    expect(buildCoreSet(emqx).metadata?.name).toBe(set.metadata?.name);
    const newImage = buildCoreSet(makeEmqx({ ...emqx.spec, image: "emqx/emqx:6.0.2" }));
    expect(hashOf(newImage)).not.toBe(hashOf(set));
    expect(hashOf(buildCoreSet(emqx, { collisionCount: 1 }))).not.toBe(hashOf(set));
    const counted = makeEmqx(emqx.spec);
    counted.status = { ...counted.status, coreNodesStatus: { collisionCount: 1 } } as typeof counted.status;
    expect(hashOf(buildCoreSet(counted))).toBe(hashOf(buildCoreSet(emqx, { collisionCount: 1 })));
  });

  it("keeps the same template for a replicas change, so the same set is scaled", () => {
    const scaled = buildCoreSet(
      makeEmqx({ coreTemplate: { ...emqx.spec.coreTemplate, spec: { replicas: 5 } } }),
    );
    expect(scaled.metadata?.name).toBe(set.metadata?.name);
    expect(templatesDiffer(scaled.spec?.template ?? {}, set.spec?.template ?? {})).toBe(false);
  });
});

describe("buildCoreSet: the emqx container", () => {
  it("sets the operator's environment in order, with clusterDomain, then the user's", () => {
    const emqx = makeEmqx({
      clusterDomain: "k8s.example",
      coreTemplate: { spec: { env: [{ name: "EMQX_LOG__CONSOLE__LEVEL", value: "debug" }] } },
    });
    const container = emqxContainer(buildCoreSet(emqx).spec?.template);
    expect(envNames(container)).toEqual([
      "EMQX_DASHBOARD__LISTENERS__HTTP__BIND",
      "POD_NAME",
      "EMQX_CLUSTER__DISCOVERY_STRATEGY",
      "EMQX_CLUSTER__DNS__RECORD_TYPE",
      "EMQX_CLUSTER__DNS__NAME",
      "EMQX_HOST",
      "EMQX_NODE__DATA_DIR",
      "EMQX_NODE__ROLE",
      "EMQX_NODE__COOKIE",
      "EMQX_API_KEY__BOOTSTRAP_FILE",
      "EMQX_LOG__CONSOLE__LEVEL",
    ]);
    expect(envValue(container, "EMQX_CLUSTER__DNS__NAME")).toBe("emqx-headless.mqtt.svc.k8s.example");
    expect(envValue(container, "EMQX_HOST")).toBe("$(POD_NAME).$(EMQX_CLUSTER__DNS__NAME)");
    expect(envValue(container, "EMQX_NODE__ROLE")).toBe("core");
    expect(envValue(container, "EMQX_API_KEY__BOOTSTRAP_FILE")).toBe('"/opt/emqx/data/bootstrap_api_key"');
    expect(container.env?.find((e) => e.name === "POD_NAME")?.valueFrom).toEqual({
      fieldRef: { fieldPath: "metadata.name" },
    });
    expect(container.env?.find((e) => e.name === "EMQX_NODE__COOKIE")?.valueFrom).toEqual({
      secretKeyRef: { name: "emqx-node-cookie", key: "node_cookie" },
    });
  });

  it("adds the http dashboard port and bind variable by default", () => {
    const container = emqxContainer(buildCoreSet(makeEmqx()).spec?.template);
    expect(container.ports).toEqual([{ name: "dashboard", containerPort: 18083, protocol: "TCP" }]);
    expect(envValue(container, "EMQX_DASHBOARD__LISTENERS__HTTP__BIND")).toBe("18083");
    expect(envNames(container)).not.toContain("EMQX_DASHBOARD__LISTENERS__HTTPS__BIND");
  });

  it("adds https only, and points the default probes at it with scheme HTTPS (an operator 2.2 bug, fixed)", () => {
    const emqx = makeEmqx({
      config: { data: "dashboard.listeners.http.bind = 0\ndashboard.listeners.https.bind = 18084" },
    });
    const container = emqxContainer(buildCoreSet(emqx).spec?.template);
    expect(container.ports).toEqual([{ name: "dashboard-https", containerPort: 18084, protocol: "TCP" }]);
    expect(envNames(container)[0]).toBe("EMQX_DASHBOARD__LISTENERS__HTTPS__BIND");
    expect(envValue(container, "EMQX_DASHBOARD__LISTENERS__HTTPS__BIND")).toBe("18084");
    expect(envNames(container)).not.toContain("EMQX_DASHBOARD__LISTENERS__HTTP__BIND");
    expect(container.readinessProbe?.httpGet).toEqual({
      path: "/status",
      port: "dashboard-https",
      scheme: "HTTPS",
    });
    expect(container.livenessProbe?.httpGet).toEqual({
      path: "/status",
      port: "dashboard-https",
      scheme: "HTTPS",
    });
  });

  it("with both listeners puts user ports first, then dashboard and dashboard-https, HTTPS variable first", () => {
    const emqx = makeEmqx({
      config: { data: "dashboard.listeners.https.bind = 18084" },
      coreTemplate: { spec: { ports: [{ name: "metrics", containerPort: 9100 }] } },
    });
    const container = emqxContainer(buildCoreSet(emqx).spec?.template);
    expect(container.ports?.map((p) => p.name)).toEqual(["metrics", "dashboard", "dashboard-https"]);
    expect(envNames(container).slice(0, 3)).toEqual([
      "EMQX_DASHBOARD__LISTENERS__HTTPS__BIND",
      "EMQX_DASHBOARD__LISTENERS__HTTP__BIND",
      "POD_NAME",
    ]);
    expect(container.readinessProbe?.httpGet?.port).toBe("dashboard");
  });

  it("lets the config, not a user port named dashboard, decide the dashboard port (an operator 2.2 bug, fixed)", () => {
    const emqx = makeEmqx({
      coreTemplate: {
        spec: {
          ports: [
            { name: "dashboard", containerPort: 28083 },
            { name: "alt", containerPort: 18083 },
          ],
        },
      },
    });
    const container = emqxContainer(buildCoreSet(emqx).spec?.template);
    expect(container.ports).toEqual([{ name: "dashboard", containerPort: 18083, protocol: "TCP" }]);
    expect(envValue(container, "EMQX_DASHBOARD__LISTENERS__HTTP__BIND")).toBe("18083");
  });

  it("uses the defaulted probes and security contexts, and the user's own when given", () => {
    const container = emqxContainer(buildCoreSet(makeEmqx()).spec?.template);
    expect(container.readinessProbe).toEqual({
      initialDelaySeconds: 10,
      periodSeconds: 5,
      failureThreshold: 12,
      httpGet: { path: "/status", port: "dashboard" },
    });
    expect(container.securityContext).toEqual({ runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true });
    const custom = makeEmqx({ coreTemplate: { spec: { podSecurityContext: { runAsNonRoot: true } } } });
    expect(buildCoreSet(custom).spec?.template.spec?.securityContext).toEqual({ runAsNonRoot: true });
  });

  it("mounts the operator volumes, then the extra mounts", () => {
    const emqx = makeEmqx({
      coreTemplate: { spec: { extraVolumeMounts: [{ name: "certs", mountPath: "/opt/emqx/etc/certs" }] } },
    });
    expect(emqxContainer(buildCoreSet(emqx).spec?.template).volumeMounts).toEqual([
      {
        name: "bootstrap-api-key",
        mountPath: "/opt/emqx/data/bootstrap_api_key",
        subPath: "bootstrap_api_key",
        readOnly: true,
      },
      {
        name: "bootstrap-config",
        mountPath: "/opt/emqx/etc/emqx.conf",
        subPath: "emqx.conf",
        readOnly: true,
      },
      { name: "emqx-core-log", mountPath: "/opt/emqx/log" },
      { name: "emqx-core-data", mountPath: "/opt/emqx/data" },
      { name: "certs", mountPath: "/opt/emqx/etc/certs" },
    ]);
  });
});

describe("buildCoreSet: the pod", () => {
  it("has the on-serving readiness gate and emptyDir data first when there is no PVC template", () => {
    const emqx = makeEmqx({
      coreTemplate: { spec: { extraVolumes: [{ name: "certs", secret: { secretName: "tls" } }] } },
    });
    const pod = buildCoreSet(emqx).spec?.template.spec;
    expect(pod?.readinessGates).toEqual([{ conditionType: "apps.emqx.io/on-serving" }]);
    expect(pod?.volumes).toEqual([
      { name: "emqx-core-data", emptyDir: {} },
      { name: "bootstrap-api-key", secret: { secretName: "emqx-bootstrap-api-key" } },
      { name: "bootstrap-config", configMap: { name: "emqx-configs" } },
      { name: "emqx-core-log", emptyDir: {} },
      { name: "certs", secret: { secretName: "tls" } },
    ]);
  });

  it("claims <name>-core-data with volumeMode Filesystem and drops the emptyDir data volume", () => {
    const emqx = makeEmqx({
      coreTemplate: {
        metadata: { labels: { tier: "broker" } },
        spec: {
          volumeClaimTemplates: {
            storageClassName: "standard",
            resources: { requests: { storage: "20Mi" } },
            accessModes: ["ReadWriteOnce"],
          },
        },
      },
    });
    const set = buildCoreSet(emqx);
    expect(set.spec?.volumeClaimTemplates).toEqual([
      {
        metadata: {
          name: "emqx-core-data",
          namespace: "mqtt",
          labels: {
            "apps.emqx.io/instance": "emqx",
            "apps.emqx.io/managed-by": "emqx-operator",
            "apps.emqx.io/db-role": "core",
            tier: "broker",
          },
        },
        spec: {
          storageClassName: "standard",
          resources: { requests: { storage: "20Mi" } },
          accessModes: ["ReadWriteOnce"],
          volumeMode: "Filesystem",
        },
      },
    ]);
    expect(set.spec?.template.spec?.volumes?.map((v) => v.name)).toEqual([
      "bootstrap-api-key",
      "bootstrap-config",
      "emqx-core-log",
    ]);
  });

  it("treats the operator's written-back `volumeClaimTemplates: {resources: {}}` as no claim", () => {
    const set = buildCoreSet(
      makeEmqx({ coreTemplate: { spec: { volumeClaimTemplates: { resources: {} } } } }),
    );
    expect(set.spec).not.toHaveProperty("volumeClaimTemplates");
    expect(set.spec?.template.spec?.volumes?.[0]).toEqual({ name: "emqx-core-data", emptyDir: {} });
  });

  it('claims for any Go-non-zero claim spec, such as storageClassName "" alone (static provisioning)', () => {
    const set = buildCoreSet(
      makeEmqx({ coreTemplate: { spec: { volumeClaimTemplates: { storageClassName: "" } } } }),
    );
    expect(set.spec?.volumeClaimTemplates?.[0]?.spec).toEqual({
      storageClassName: "",
      volumeMode: "Filesystem",
    });
    expect(set.spec?.template.spec?.volumes?.map((v) => v.name)).not.toContain("emqx-core-data");
  });

  it("copies scheduling fields, toleRations after tolerations, extra containers after emqx", () => {
    const emqx = makeEmqx({
      imagePullSecrets: [{ name: "regcred" }],
      serviceAccountName: "emqx-sa",
      coreTemplate: {
        spec: {
          nodeSelector: { disktype: "ssd" },
          nodeName: "node-1",
          affinity: { podAntiAffinity: {} },
          tolerations: [{ key: "a", operator: "Exists" }],
          toleRations: [{ key: "legacy", operator: "Exists" }],
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule" },
          ],
          initContainers: [{ name: "init", image: "busybox" }],
          extraContainers: [{ name: "sidecar", image: "busybox" }],
        },
      },
    });
    const pod = buildCoreSet(emqx).spec?.template.spec;
    expect(pod?.tolerations?.map((t) => t.key)).toEqual(["a", "legacy"]);
    expect(pod?.containers.map((c) => c.name)).toEqual(["emqx", "sidecar"]);
    expect(pod).toMatchObject({
      imagePullSecrets: [{ name: "regcred" }],
      serviceAccountName: "emqx-sa",
      nodeSelector: { disktype: "ssd" },
      nodeName: "node-1",
      affinity: { podAntiAffinity: {} },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule" }],
      initContainers: [{ name: "init", image: "busybox" }],
    });
  });

  it("leaves out fields the CR does not set", () => {
    const pod = buildCoreSet(makeEmqx()).spec?.template.spec;
    for (const field of ["tolerations", "affinity", "nodeSelector", "imagePullSecrets", "initContainers"]) {
      expect(pod).not.toHaveProperty(field);
    }
    expect(emqxContainer(buildCoreSet(makeEmqx()).spec?.template)).not.toHaveProperty("imagePullPolicy");
  });
});
