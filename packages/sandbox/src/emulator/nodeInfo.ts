/**
 * The bodies of `/nodes`, `/stats` and `/monitor_current` for emulated nodes, with the field sets and types of
 * each version family. Load and memory figures are fixed, plausible values.
 */
import type { EmulatedNode } from "./cluster.ts";
import { computeEvacuationProgress, type Evacuation } from "./evacuation.ts";
import { hasClusterSessions } from "./versions.ts";

/** Live counters of one node at one instant. */
export interface NodeLoad {
  readonly sessions: number;
  readonly live: number;
}

/** Sessions on a node, lowered while an evacuation evicts them. */
export function computeNodeLoad(
  node: EmulatedNode,
  evacuation: Evacuation | undefined,
  now: number,
): NodeLoad {
  if (!evacuation) return { sessions: node.connections, live: node.connections };
  const p = computeEvacuationProgress(evacuation, now);
  return {
    sessions: Math.min(node.connections, p.currentSessions),
    live: Math.min(node.connections, p.currentConnected),
  };
}

/** The 3-field entry EMQX lists for a core that is down. */
export function buildStoppedNodeInfo(node: EmulatedNode): Record<string, unknown> {
  return { node: node.name, node_status: "stopped", role: node.role };
}

/** `node_info` of a running node; `clusterSessions` is the cluster-wide session count. */
export function buildNodeInfo(
  node: EmulatedNode,
  load: NodeLoad,
  clusterSessions: number,
  now: number,
): Record<string, unknown> {
  const facts = node.facts;
  if (!facts) return buildStoppedNodeInfo(node);
  const h = hashName(node.name);
  const info: Record<string, unknown> = {
    node: node.name,
    node_status: "running",
    role: node.role,
    version: facts.versionInfo.version,
    edition: facts.versionInfo.edition,
    otp_release: facts.versionInfo.otpRelease,
    uptime: Math.max(0, now - facts.startedAt),
    connections: load.sessions,
    live_connections: load.live,
    cluster_sessions: clusterSessions,
    load1: 0.1 + (h % 30) / 100,
    load5: 0.12 + (h % 20) / 100,
    load15: 0.15 + (h % 10) / 100,
    max_fds: 1048576,
    memory_total: "15.58G",
    memory_used: `${(5.9 + (h % 100) / 100).toFixed(2)}G`,
    process_available: 2097152,
    process_used: 800 + (h % 200) + load.sessions * 2,
    sys_path: "/opt/emqx",
    log_path: "log.file.enable is false, not logging to file.",
  };
  if (!hasClusterSessions(facts.versionInfo.release)) delete info.cluster_sessions;
  return info;
}

const COUNTERS = [
  "channels",
  "connections",
  "live_connections",
  "sessions",
  "cluster_sessions",
  "subscribers",
] as const;
const PER_NODE_ZERO = ["subscriptions", "suboptions", "delayed"] as const;
const CLUSTER_WIDE = ["subscriptions.shared", "topics", "retained"] as const;

/** One node's stats object (without `node`), as `emqx_mgmt:get_stats/1` returns it. */
export function buildNodeStats(
  node: EmulatedNode,
  load: NodeLoad,
  clusterSessions: number,
): Record<string, number> {
  const stats: Record<string, number> = {};
  const value: Record<(typeof COUNTERS)[number], number> = {
    channels: load.sessions,
    connections: load.live,
    live_connections: load.live,
    sessions: load.sessions,
    cluster_sessions: clusterSessions,
    subscribers: 0,
  };
  for (const name of COUNTERS) {
    stats[`${name}.count`] = value[name];
    stats[`${name}.max`] = value[name];
  }
  for (const name of [...PER_NODE_ZERO, ...CLUSTER_WIDE]) {
    stats[`${name}.count`] = 0;
    stats[`${name}.max`] = 0;
  }
  if (node.facts && !hasClusterSessions(node.facts.versionInfo.release)) {
    delete stats["cluster_sessions.count"];
    delete stats["cluster_sessions.max"];
  }
  return stats;
}

/**
 * `/stats?aggregate=true`: every key summed over running nodes (the `*.max` and `cluster_sessions.*` too — an
 * EMQX quirk), except the cluster-wide keys, which come from the answering node.
 */
export function aggregateStats(
  self: Record<string, number>,
  all: readonly Record<string, number>[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(self).sort()) {
    const clusterWide = CLUSTER_WIDE.some((k) => key === `${k}.count` || key === `${k}.max`);
    out[key] = clusterWide ? (self[key] ?? 0) : all.reduce((sum, s) => sum + (s[key] ?? 0), 0);
  }
  return out;
}

/**
 * `/monitor_current` (cluster form) from the summed node loads; `messagesPerSecond` (a load curve's) is reported
 * as `received_msg_rate` and `sent_msg_rate`.
 */
export function buildMonitorCurrent(
  loads: readonly NodeLoad[],
  messagesPerSecond = 0,
): Record<string, number> {
  const sessions = loads.reduce((s, l) => s + l.sessions, 0);
  const live = loads.reduce((s, l) => s + l.live, 0);
  const zeroes = [
    "subscriptions",
    "subscriptions_ram",
    "subscriptions_durable",
    "disconnected_durable_sessions",
    "topics",
    "dropped_msg_rate",
    "persisted_rate",
    "validation_succeeded_rate",
    "validation_failed_rate",
    "transformation_succeeded_rate",
    "transformation_failed_rate",
    "retained_msg_count",
    "shared_subscriptions",
  ];
  return {
    connections: sessions,
    live_connections: live,
    ...Object.fromEntries(zeroes.map((k) => [k, 0])),
    received_msg_rate: messagesPerSecond,
    sent_msg_rate: messagesPerSecond,
    license_quota: 10000,
  };
}

function hashName(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}
