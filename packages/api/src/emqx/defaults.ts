/**
 * The defaults of the operator's CRD, as values. The schemas apply them the way the API
 * server's structural defaulting does, and the generated CRD declares them, so an object read from the cluster and
 * one parsed from a file look the same to the reconciler.
 *
 * Each default is a function returning a fresh object, so no caller can mutate a shared default.
 */
import type { V1PodSecurityContext, V1Probe, V1SecurityContext } from "@kubernetes/client-node";

/** `coreTemplate` default when the field is absent (2.2.30 / `main`; 2.2.29 and earlier used 2). */
export const DEFAULT_CORE_REPLICAS_WHEN_TEMPLATE_ABSENT = 1;
/** Field-level `replicas` default of a template `spec` that is present without `replicas`. */
export const DEFAULT_TEMPLATE_REPLICAS = 2;
/** `spec.clusterDomain` default, used in core node names and `EMQX_CLUSTER__DNS__NAME`. */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";
/** `spec.revisionHistoryLimit` default: old scaled-down sets kept. */
export const DEFAULT_REVISION_HISTORY_LIMIT = 3;
/** `spec.config.mode` default (only when `config` is present, like the CRD). */
export const DEFAULT_CONFIG_MODE = "Merge";
/** `spec.updateStrategy.type`: the only strategy, blue-green. */
export const DEFAULT_UPDATE_STRATEGY_TYPE = "Recreate";
/** Field-level defaults of `evacuationStrategy.connEvictRate` / `sessEvictRate`. */
export const DEFAULT_EVICT_RATE = 1000;

/** The whole `updateStrategy` default, used only when `updateStrategy` is absent. */
export function defaultUpdateStrategy() {
  return {
    type: DEFAULT_UPDATE_STRATEGY_TYPE,
    initialDelaySeconds: 10,
    evacuationStrategy: {
      waitTakeover: 10,
      connEvictRate: DEFAULT_EVICT_RATE,
      sessEvictRate: DEFAULT_EVICT_RATE,
    },
  } as const;
}

/** Pod security context of EMQX pods: the image's `emqx` user (uid/gid 1000). */
export function defaultPodSecurityContext(): V1PodSecurityContext {
  return {
    runAsUser: 1000,
    runAsGroup: 1000,
    fsGroup: 1000,
    fsGroupChangePolicy: "Always",
    supplementalGroups: [1000],
  };
}

/** Security context of the `emqx` container. */
export function defaultContainerSecurityContext(): V1SecurityContext {
  return { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true };
}

/** Liveness probe: `GET /status` on the named port `dashboard`, after a minute, every 30 s. */
export function defaultLivenessProbe(): V1Probe {
  return {
    initialDelaySeconds: 60,
    periodSeconds: 30,
    failureThreshold: 3,
    httpGet: { path: "/status", port: "dashboard" },
  };
}

/** Readiness probe: `GET /status` on the named port `dashboard`, every 5 s for up to a minute. */
export function defaultReadinessProbe(): V1Probe {
  return {
    initialDelaySeconds: 10,
    periodSeconds: 5,
    failureThreshold: 12,
    httpGet: { path: "/status", port: "dashboard" },
  };
}
