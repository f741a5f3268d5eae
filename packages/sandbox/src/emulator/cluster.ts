/**
 * The in-memory model of every emulated EMQX cluster: which nodes each cluster has (running or stopped), its
 * config, API keys, dashboard tokens and evacuations. Pure state with the clock passed in; the watcher feeds
 * it pod facts and the HTTP handlers read and change it.
 */
import { type ApiKey, parseBootstrapKeys } from "./apiKeys.ts";
import { computeInitialConfig } from "./clusterConfig.ts";
import type { ConfigTree } from "./configTree.ts";
import {
  computeDashboardListeners,
  type DashboardListenerSpec,
  type DashboardTls,
} from "./dashboardListeners.ts";
import type { Evacuation } from "./evacuation.ts";
import type { NodeRole, PodFacts } from "./podFacts.ts";
import { isAtLeast } from "./versions.ts";

/** One EMQX node: running while its pod runs; a core lingers `stopped` after its pod is gone. */
export interface EmulatedNode {
  readonly name: string;
  readonly role: NodeRole;
  /** Present while running. */
  facts: PodFacts | undefined;
  /** Sessions/connections held on this node, set through the admin API (the sandbox has no MQTT clients). */
  connections: number;
  /** The https dashboard certificate the node read at start, when its config names one it could read. */
  dashboardTls?: DashboardTls;
}

/** A dashboard bearer token from `POST /login`. */
export interface DashboardToken {
  readonly username: string;
  readonly expiresAt: number;
}

/** One EMQX cluster: the pods of one `apps.emqx.io/instance` in one namespace. */
export interface EmulatedCluster {
  /** `namespace/name` */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly nodes: Map<string, EmulatedNode>;
  config: ConfigTree;
  readonly apiKeys: Map<string, ApiKey>;
  readonly tokens: Map<string, DashboardToken>;
  readonly evacuations: Map<string, Evacuation>;
  /** Running nodes removed by `force_leave`: they see only themselves until their pod restarts. */
  readonly departed: Set<string>;
}

/** What the watcher read from the cluster's Secret and ConfigMap for a starting node. */
export interface NodeBootstrap {
  /** Text of `<name>-bootstrap-api-key` / `bootstrap_api_key`, when the Secret exists. */
  readonly bootstrapKeys?: string | undefined;
  /** `emqx.conf` of `<name>-configs`, when the ConfigMap exists. */
  readonly configText?: string | undefined;
  /** The https dashboard listener's certificate and key (from the Secret the pod mounts them from). */
  readonly dashboardTls?: DashboardTls | undefined;
}

/** All emulated clusters, keyed `namespace/name`. */
export class EmulatedEmqx {
  readonly clusters = new Map<string, EmulatedCluster>();
  readonly #pods = new Map<string, { clusterKey: string; nodeName: string; uid: string }>();

  /** True when this exact pod incarnation is already a running node. */
  hasPod(podKey: string, uid: string): boolean {
    return this.#pods.get(podKey)?.uid === uid;
  }

  /** True when starting this pod (re)boots its cluster, so the config must be (re)read. */
  isColdStart(facts: PodFacts): boolean {
    const cluster = this.clusters.get(facts.clusterKey);
    return !cluster || ![...cluster.nodes.values()].some((n) => n.facts);
  }

  /**
   * Starts the node of a running pod. A cold start loads the config from the ConfigMap; bootstrap keys load on
   * cores (and on every node before 5.7.2) and overwrite same-named keys, as EMQX does. Returns a config problem.
   */
  startNode(facts: PodFacts, boot: NodeBootstrap): string | undefined {
    if (this.#pods.has(facts.podKey)) this.stopPod(facts.podKey);
    let problem: string | undefined;
    const cold = this.isColdStart(facts);
    const cluster = this.clusters.get(facts.clusterKey) ?? this.#createCluster(facts);
    if (cold) {
      const initial = computeInitialConfig(boot.configText, facts.env);
      cluster.config = { ...cluster.config, ...initial.config };
      problem = initial.error;
    }
    if (boot.bootstrapKeys && (facts.role === "core" || !isAtLeast(facts.versionInfo.release, 5, 7, 2))) {
      for (const [k, v] of parseBootstrapKeys(boot.bootstrapKeys, facts.versionInfo))
        cluster.apiKeys.set(k, v);
    }
    const previous = cluster.nodes.get(facts.nodeName);
    cluster.nodes.set(facts.nodeName, {
      name: facts.nodeName,
      role: facts.role,
      facts,
      connections: previous?.connections ?? 0,
      ...(boot.dashboardTls ? { dashboardTls: boot.dashboardTls } : {}),
    });
    cluster.departed.delete(facts.nodeName);
    this.#pods.set(facts.podKey, { clusterKey: facts.clusterKey, nodeName: facts.nodeName, uid: facts.uid });
    return problem;
  }

  /**
   * Stops the node of a pod that stopped or was deleted: a core lingers `stopped`, a replicant disappears, its
   * evacuation ends. A cluster with no running node left is forgotten (nobody could answer for it).
   */
  stopPod(podKey: string): void {
    const entry = this.#pods.get(podKey);
    this.#pods.delete(podKey);
    const cluster = entry && this.clusters.get(entry.clusterKey);
    const node = entry && cluster?.nodes.get(entry.nodeName);
    if (!cluster || !node || node.facts?.podKey !== podKey) return;
    cluster.evacuations.delete(node.name);
    cluster.departed.delete(node.name);
    if (node.role === "core") node.facts = undefined;
    else cluster.nodes.delete(node.name);
    if (![...cluster.nodes.values()].some((n) => n.facts)) this.clusters.delete(cluster.key);
  }

  /** The cluster and node a pod serves, while it runs. */
  findPod(podKey: string): { cluster: EmulatedCluster; node: EmulatedNode } | undefined {
    const entry = this.#pods.get(podKey);
    const cluster = entry && this.clusters.get(entry.clusterKey);
    const node = entry && cluster?.nodes.get(entry.nodeName);
    return cluster && node ? { cluster, node } : undefined;
  }

  /** The dashboard listeners of every running node (http and/or https, as each cluster's config says). */
  listDashboardListeners(): DashboardListenerSpec[] {
    return [...this.clusters.values()].flatMap((c) =>
      [...c.nodes.values()].flatMap((n) =>
        n.facts ? computeDashboardListeners(c.config, n.facts, n.dashboardTls) : [],
      ),
    );
  }

  /** Sets the session count of the node a pod runs; false when the pod is not a running node. */
  setConnections(podKey: string, connections: number): boolean {
    const found = this.findPod(podKey);
    if (!found) return false;
    found.node.connections = connections;
    return true;
  }

  #createCluster(facts: PodFacts): EmulatedCluster {
    const cluster: EmulatedCluster = {
      key: facts.clusterKey,
      namespace: facts.namespace,
      name: facts.clusterName,
      nodes: new Map(),
      config: {},
      apiKeys: new Map(),
      tokens: new Map(),
      evacuations: new Map(),
      departed: new Set(),
    };
    this.clusters.set(cluster.key, cluster);
    return cluster;
  }
}

/**
 * The members `self` sees: every node of its cluster except departed ones, or only itself when it was made to
 * leave. Running nodes first, then stopped cores, as EMQX orders them.
 */
export function listVisibleNodes(cluster: EmulatedCluster, self: EmulatedNode): EmulatedNode[] {
  const nodes = cluster.departed.has(self.name)
    ? [self]
    : [...cluster.nodes.values()].filter((n) => !cluster.departed.has(n.name));
  return [...nodes.filter((n) => n.facts), ...nodes.filter((n) => !n.facts)];
}
