import type { V1Container, V1EnvVar } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { buildCoreSet } from "../../src/children/coreSet.ts";
import {
  mergeEnv,
  mergeFirstWins,
  mergeLastWins,
  withUniqueContainerKeys,
  withUniquePodKeys,
} from "../../src/children/keyedLists.ts";
import { buildReplicantSet } from "../../src/children/replicantSet.ts";
import { buildListenersService } from "../../src/children/services.ts";
import { emqxContainer, envValue, makeEmqx } from "./fixtures.ts";

/** The keys of `list` that occur more than once. */
function repeated<T>(list: readonly T[] | undefined, keyOf: (entry: T) => string): string[] {
  const keys = (list ?? []).map(keyOf);
  return keys.filter((key, i) => keys.indexOf(key) !== i);
}

describe("mergeLastWins / mergeFirstWins", () => {
  const list = [
    { name: "a", v: 1 },
    { name: "b", v: 2 },
    { name: "a", v: 3 },
    { name: "c", v: 4 },
    { name: "a", v: 5 },
  ];

  it("keeps the last entry of a key at the first one's place", () => {
    expect(mergeLastWins(list, (e) => e.name)).toEqual([
      { name: "a", v: 5 },
      { name: "b", v: 2 },
      { name: "c", v: 4 },
    ]);
  });

  it("keeps the first entry of a key where it is", () => {
    expect(mergeFirstWins(list, (e) => e.name)).toEqual([
      { name: "a", v: 1 },
      { name: "b", v: 2 },
      { name: "c", v: 4 },
    ]);
  });

  it("returns a list without duplicates unchanged, in order", () => {
    const unique = [{ name: "z" }, { name: "a" }];
    expect(mergeLastWins(unique, (e) => e.name)).toEqual(unique);
  });
});

describe("mergeEnv: the kubelet's reading of repeated names", () => {
  it("gives a repeated name its last value at the first entry's place", () => {
    const env: V1EnvVar[] = [
      { name: "A", value: "ours" },
      { name: "B", value: "b" },
      { name: "A", value: "user" },
    ];
    expect(mergeEnv(env)).toEqual([
      { name: "A", value: "user" },
      { name: "B", value: "b" },
    ]);
  });

  it("inlines the earlier plain value into references between the two entries, as they expanded before", () => {
    const env: V1EnvVar[] = [
      { name: "DNS", value: "emqx-headless.ns.svc.cluster.local" },
      { name: "HOST", value: "$(POD).$(DNS) $$(DNS)" },
      { name: "DNS", value: "other.example" },
      { name: "AFTER", value: "$(DNS)" },
    ];
    expect(mergeEnv(env)).toEqual([
      { name: "DNS", value: "other.example" },
      { name: "HOST", value: "$(POD).emqx-headless.ns.svc.cluster.local $$(DNS)" },
      { name: "AFTER", value: "$(DNS)" },
    ]);
  });

  it("lets a user value that refers to the name expand from our value", () => {
    const env: V1EnvVar[] = [
      { name: "LIST", value: "a" },
      { name: "LIST", value: "$(LIST),b" },
    ];
    expect(mergeEnv(env)).toEqual([{ name: "LIST", value: "a,b" }]);
  });

  it("does not inline a valueFrom: the user's value wins there too", () => {
    const pod = { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } };
    const env: V1EnvVar[] = [pod, { name: "HOST", value: "$(POD)" }, { name: "POD", value: "p" }];
    expect(mergeEnv(env)).toEqual([
      { name: "POD", value: "p" },
      { name: "HOST", value: "$(POD)" },
    ]);
  });
});

describe("withUniqueContainerKeys", () => {
  const container: V1Container = {
    name: "sidecar",
    ports: [
      { name: "http", containerPort: 8080 },
      { name: "http-again", containerPort: 8080, protocol: "TCP" },
      { name: "dns", containerPort: 8080, protocol: "UDP" },
    ],
    volumeMounts: [
      { name: "a", mountPath: "/data" },
      { name: "b", mountPath: "/data", readOnly: true },
    ],
    volumeDevices: [
      { name: "d1", devicePath: "/dev/x" },
      { name: "d2", devicePath: "/dev/x" },
    ],
    resources: { claims: [{ name: "gpu" }, { name: "gpu", request: "r" }] },
  };
  const out = withUniqueContainerKeys(container);

  it("keeps the first port of a number + protocol (TCP when unset), other protocols apart", () => {
    expect(out.ports).toEqual([
      { name: "http", containerPort: 8080 },
      { name: "dns", containerPort: 8080, protocol: "UDP" },
    ]);
  });

  it("keeps the last mount, device and claim of a key at the first one's place", () => {
    expect(out.volumeMounts).toEqual([{ name: "b", mountPath: "/data", readOnly: true }]);
    expect(out.volumeDevices).toEqual([{ name: "d2", devicePath: "/dev/x" }]);
    expect(out.resources?.claims).toEqual([{ name: "gpu", request: "r" }]);
  });
});

describe("withUniquePodKeys", () => {
  const spec = withUniquePodKeys({
    containers: [
      { name: "emqx", image: "emqx" },
      { name: "side", image: "one" },
      { name: "emqx", image: "intruder" },
      { name: "side", image: "two" },
    ],
    initContainers: [
      { name: "init", image: "one" },
      { name: "init", image: "two" },
    ],
    volumes: [
      { name: "log", emptyDir: {} },
      { name: "log", hostPath: { path: "/var/log/emqx" } },
    ],
    imagePullSecrets: [{ name: "reg" }, { name: "reg" }],
    topologySpreadConstraints: [
      { topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", maxSkew: 1 },
      { topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway", maxSkew: 1 },
      { topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", maxSkew: 2 },
    ],
    tolerations: [{ key: "a" }, { key: "a" }],
  });

  it("keeps the first container of a name, so `emqx` stays ours", () => {
    expect(spec.containers.map((c) => `${c.name}:${c.image}`)).toEqual(["emqx:emqx", "side:one"]);
    expect(spec.initContainers?.map((c) => c.image)).toEqual(["one"]);
  });

  it("keeps the last volume, pull secret and spread constraint of a key at the first one's place", () => {
    expect(spec.volumes).toEqual([{ name: "log", hostPath: { path: "/var/log/emqx" } }]);
    expect(spec.imagePullSecrets).toEqual([{ name: "reg" }]);
    expect(spec.topologySpreadConstraints?.map((t) => `${t.whenUnsatisfiable}:${t.maxSkew}`)).toEqual([
      "DoNotSchedule:2",
      "ScheduleAnyway:1",
    ]);
  });

  it("leaves atomic lists (tolerations) as they are", () => {
    expect(spec.tolerations).toHaveLength(2);
  });
});

describe("built sets: one entry per key, the user's winning", () => {
  const userSpec = {
    env: [
      { name: "EMQX_CLUSTER__DNS__RECORD_TYPE", value: "a" },
      { name: "EMQX_NODE__DATA_DIR", value: "/data" },
      { name: "EMQX_CLUSTER__DNS__NAME", value: "elsewhere.example" },
    ],
    ports: [
      { name: "mqtt", containerPort: 1883 },
      { name: "mqtt-dup", containerPort: 1883 },
    ],
    extraVolumes: [
      { name: "extra", emptyDir: {} },
      { name: "extra", configMap: { name: "cm" } },
      { name: "emqx-core-log", hostPath: { path: "/var/log" } },
    ],
    extraVolumeMounts: [
      { name: "extra", mountPath: "/opt/extra" },
      { name: "extra", mountPath: "/opt/emqx/log" },
    ],
    extraContainers: [{ name: "emqx", image: "busybox" }],
  };
  const emqx = makeEmqx({
    imagePullSecrets: [{ name: "reg" }, { name: "reg" }],
    coreTemplate: { spec: userSpec },
    replicantTemplate: { spec: { replicas: 1, env: userSpec.env } },
  });
  const core = buildCoreSet(emqx);
  const pod = core.spec?.template.spec;
  const container = emqxContainer(core.spec?.template);

  it("has no repeated key in any keyed list", () => {
    expect(repeated(container.env, (e) => e.name)).toEqual([]);
    expect(repeated(container.ports, (p) => `${p.containerPort}/${p.protocol ?? "TCP"}`)).toEqual([]);
    expect(repeated(container.volumeMounts, (m) => m.mountPath)).toEqual([]);
    expect(repeated(pod?.volumes, (v) => v.name)).toEqual([]);
    expect(repeated(pod?.containers, (c) => c.name)).toEqual([]);
    expect(repeated(pod?.imagePullSecrets, (s) => s.name ?? "")).toEqual([]);
  });

  it("gives env the user's value at the operator's place, EMQX_HOST expanding as with both entries", () => {
    const names = (container.env ?? []).map((e) => e.name);
    expect(names.indexOf("EMQX_CLUSTER__DNS__RECORD_TYPE")).toBe(
      names.indexOf("EMQX_CLUSTER__DISCOVERY_STRATEGY") + 1,
    );
    expect(envValue(container, "EMQX_CLUSTER__DNS__RECORD_TYPE")).toBe("a");
    expect(envValue(container, "EMQX_NODE__DATA_DIR")).toBe("/data");
    expect(envValue(container, "EMQX_CLUSTER__DNS__NAME")).toBe("elsewhere.example");
    expect(envValue(container, "EMQX_HOST")).toBe("$(POD_NAME).emqx-headless.mqtt.svc.cluster.local");
  });

  it("keeps the user's mount at /opt/emqx/log in place of ours, and the user's volume in place of ours", () => {
    const log = container.volumeMounts?.find((m) => m.mountPath === "/opt/emqx/log");
    expect(log?.name).toBe("extra");
    expect(container.volumeMounts?.map((m) => m.mountPath).indexOf("/opt/emqx/log")).toBe(2);
    expect(pod?.volumes?.find((v) => v.name === "extra")).toEqual({
      name: "extra",
      configMap: { name: "cm" },
    });
    expect(pod?.volumes?.find((v) => v.name === "emqx-core-log")).toEqual({
      name: "emqx-core-log",
      hostPath: { path: "/var/log" },
    });
  });

  it("keeps the emqx container ours over an extra container of the same name", () => {
    expect(pod?.containers.map((c) => c.image)).toEqual(["emqx/emqx:6.0.1"]);
  });

  it("merges the replicant set's env the same way", () => {
    const replicant = emqxContainer(buildReplicantSet(emqx)?.spec?.template);
    expect(repeated(replicant.env, (e) => e.name)).toEqual([]);
    expect(envValue(replicant, "EMQX_CLUSTER__DNS__RECORD_TYPE")).toBe("a");
  });

  it("leaves a CR without repeated keys exactly as it was built before", () => {
    const plain = makeEmqx({ coreTemplate: { spec: { env: [{ name: "X", value: "1" }] } } });
    const built = buildCoreSet(plain).spec?.template.spec;
    expect(withUniquePodKeys(built ?? { containers: [] })).toEqual(built);
  });
});

describe("Service ports: one entry per port + protocol", () => {
  it("keeps the template's port over a derived one of the same number, as the operator's merge does", () => {
    const emqx = makeEmqx({
      listenersServiceTemplate: {
        spec: {
          ports: [
            { name: "mine", port: 1883, protocol: "TCP" },
            { name: "mine-again", port: 1883 },
          ],
        },
      },
    });
    const ports = buildListenersService(emqx)?.spec?.ports ?? [];
    expect(repeated(ports, (p) => `${p.port}/${p.protocol}`)).toEqual([]);
    expect(ports.find((p) => p.port === 1883)?.name).toBe("mine");
  });
});
