/**
 * Matrix rows about container settings, extra containers and volumes, claims, and spec fields that must not reach
 * any child.
 */
import type { FidelityCase } from "../fidelityCase.ts";

const resources = { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } };
const startupProbe = {
  httpGet: { path: "/status", port: "dashboard" },
  failureThreshold: 30,
  periodSeconds: 2,
};
const lifecycle = { preStop: { exec: { command: ["/bin/sh", "-c", "emqx ctl cluster leave"] } } };

export const RESOURCES_CASES: FidelityCase[] = [
  {
    name: "resources, own security contexts (replacing the defaults entirely), own probes, startupProbe, lifecycle",
    spec: {
      coreTemplate: {
        spec: {
          replicas: 1,
          resources,
          podSecurityContext: { runAsUser: 2000, fsGroup: 2000 },
          containerSecurityContext: { readOnlyRootFilesystem: true },
          livenessProbe: { tcpSocket: { port: 1883 }, periodSeconds: 10 },
          readinessProbe: { httpGet: { path: "/status", port: 18083 }, periodSeconds: 3 },
          startupProbe,
          lifecycle,
        },
      },
    },
    core: {
      replicas: 1,
      pod: { securityContext: { runAsUser: 2000, fsGroup: 2000 } },
      container: {
        resources,
        securityContext: { readOnlyRootFilesystem: true },
        livenessProbe: { tcpSocket: { port: 1883 }, periodSeconds: 10 },
        readinessProbe: { httpGet: { path: "/status", port: 18083 }, periodSeconds: 3 },
        startupProbe,
        lifecycle,
      },
    },
  },
  {
    name: "initContainers, extraContainers after emqx, extraVolumes and extraVolumeMounts last; core vs replicant volume order",
    spec: {
      coreTemplate: {
        spec: {
          replicas: 1,
          initContainers: [
            { name: "sysctl", image: "busybox", command: ["sysctl", "-w", "net.core.somaxconn=4096"] },
          ],
          extraContainers: [{ name: "exporter", image: "emqx/exporter:1" }],
          extraVolumes: [{ name: "certs", secret: { secretName: "emqx-tls" } }],
          extraVolumeMounts: [{ name: "certs", mountPath: "/opt/emqx/etc/certs", readOnly: true }],
        },
      },
      replicantTemplate: {
        spec: {
          replicas: 2,
          extraContainers: [{ name: "proxy", image: "envoy:1" }],
          extraVolumes: [{ name: "plugins", emptyDir: {} }],
          extraVolumeMounts: [{ name: "plugins", mountPath: "/opt/emqx/plugins" }],
        },
      },
    },
    core: {
      replicas: 1,
      pod: {
        initContainers: [
          { name: "sysctl", image: "busybox", command: ["sysctl", "-w", "net.core.somaxconn=4096"] },
        ],
      },
      extraContainers: [{ name: "exporter", image: "emqx/exporter:1" }],
      extraVolumes: [{ name: "certs", secret: { secretName: "emqx-tls" } }],
      extraMounts: [{ name: "certs", mountPath: "/opt/emqx/etc/certs", readOnly: true }],
    },
    replicant: {
      replicas: 2,
      extraContainers: [{ name: "proxy", image: "envoy:1" }],
      extraVolumes: [{ name: "plugins", emptyDir: {} }],
      extraMounts: [{ name: "plugins", mountPath: "/opt/emqx/plugins" }],
    },
    replicantPdb: {},
  },
  {
    name: "volumeClaimTemplates without volumeMode: <name>-core-data claim, Filesystem, template labels, no emptyDir",
    spec: {
      coreTemplate: {
        metadata: { labels: { tier: "core" } },
        spec: {
          replicas: 3,
          volumeClaimTemplates: {
            storageClassName: "gp3",
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: "10Gi" } },
          },
        },
      },
      replicantTemplate: { spec: { replicas: 1 } },
    },
    core: {
      replicas: 3,
      extraLabels: { tier: "core" },
      claimSpec: {
        storageClassName: "gp3",
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "10Gi" } },
        volumeMode: "Filesystem",
      },
    },
    replicant: { replicas: 1 },
    replicantPdb: {},
  },
  {
    name: "volumeClaimTemplates with volumeMode Block and no storageClassName: kept as given",
    spec: {
      coreTemplate: {
        spec: {
          replicas: 1,
          volumeClaimTemplates: { volumeMode: "Block", resources: { requests: { storage: "1Gi" } } },
        },
      },
    },
    core: {
      replicas: 1,
      claimSpec: { volumeMode: "Block", resources: { requests: { storage: "1Gi" } } },
    },
  },
  {
    name: "revisionHistoryLimit and updateStrategy reach no child; the sets keep Kubernetes' defaults",
    spec: {
      revisionHistoryLimit: 7,
      updateStrategy: {
        type: "Recreate",
        initialDelaySeconds: 30,
        evacuationStrategy: { waitTakeover: 5, connEvictRate: 50, sessEvictRate: 50 },
      },
      config: { mode: "Replace", data: "log.console.level = debug\n" },
    },
    core: { replicas: 1 },
  },
];
