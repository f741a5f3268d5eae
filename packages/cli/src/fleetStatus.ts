/**
 * `emqx-reconciler status`: one row per EMQX CR of every cluster asked for, from `.status` alone (no EMQX API
 * call, one list request per cluster). Pure: rows from CRs, filters, and the table text.
 */
import { ConditionType, LIFECYCLE_CONDITIONS } from "@emqx-reconciler/api";
import { truncate } from "./table.ts";

/** One EMQX CR of the fleet. */
export interface FleetRow {
  cluster: string;
  namespace: string;
  name: string;
  /** First True lifecycle condition (what `kubectl get emqx` shows), `None` before the first status. */
  phase: string;
  ready: boolean;
  cores: { ready: number; desired: number };
  /** Absent when the CR declares no replicants. */
  replicants?: { ready: number; desired: number };
  /** EMQX version the nodes report, else the image tag. */
  version: string;
  /** The core update revision (pod-template hash). */
  revision: string;
  /** The newest `lastTransitionTime` of any condition. */
  lastTransition?: string;
  /** Why it is not Ready, or what went wrong last: `PodsNotReady: 1 pod not ready: …`. */
  reason?: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface RoleStatus {
  readyReplicas?: number;
  replicas?: number;
  updateRevision?: string;
}

interface CrView {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    image?: string;
    coreTemplate?: { spec?: { replicas?: number } };
    replicantTemplate?: { spec?: { replicas?: number } };
  };
  status?: {
    conditions?: Condition[];
    coreNodes?: Array<{ version?: string }>;
    coreNodesStatus?: RoleStatus;
    replicantNodesStatus?: RoleStatus;
  };
}

/** Problem conditions, in the order a reason is picked: what blocks the CR most first. */
const REASON_CONDITIONS = [
  ConditionType.InvalidSpec,
  ConditionType.ReconcileFailed,
  ConditionType.TemplateDrift,
  ConditionType.PodsNotReady,
  ConditionType.NodeStatusStale,
];

function imageTag(image: string | undefined): string {
  const last = (image ?? "").split("/").pop() ?? "";
  return last.includes(":") ? (last.split(":").pop() ?? "-") : "latest";
}

/** The row of one CR of `cluster`. */
export function fleetRow(cluster: string, cr: CrView): FleetRow {
  const conditions = cr.status?.conditions ?? [];
  const lifecycle: readonly string[] = LIFECYCLE_CONDITIONS;
  const phase =
    conditions.find((c) => c.status === "True" && lifecycle.includes(c.type ?? ""))?.type ?? "None";
  const problem = REASON_CONDITIONS.map((t) =>
    conditions.find((c) => c.type === t && c.status === "True"),
  ).find((c) => c !== undefined);
  const times = conditions
    .map((c) => c.lastTransitionTime ?? "")
    .filter(Boolean)
    .sort();
  const core = cr.status?.coreNodesStatus;
  const replicantSpec = cr.spec?.replicantTemplate;
  const replicant = cr.status?.replicantNodesStatus;
  return {
    cluster,
    namespace: cr.metadata?.namespace ?? "",
    name: cr.metadata?.name ?? "",
    phase,
    ready: phase === ConditionType.Ready,
    cores: { ready: core?.readyReplicas ?? 0, desired: cr.spec?.coreTemplate?.spec?.replicas ?? 2 },
    ...(replicantSpec
      ? { replicants: { ready: replicant?.readyReplicas ?? 0, desired: replicantSpec.spec?.replicas ?? 2 } }
      : {}),
    version: cr.status?.coreNodes?.find((n) => n.version)?.version ?? imageTag(cr.spec?.image),
    revision: core?.updateRevision ?? "-",
    ...(times.length > 0 ? { lastTransition: times[times.length - 1] } : {}),
    ...(problem ? { reason: `${problem.type}: ${problem.message ?? problem.reason ?? ""}` } : {}),
  };
}

/** Filters of `status`. */
export interface FleetFilter {
  namespace?: string;
  notReady?: boolean;
}

/** The rows the filters keep, sorted by cluster, namespace and name. */
export function filterRows(rows: readonly FleetRow[], filter: FleetFilter): FleetRow[] {
  return rows
    .filter((r) => filter.namespace === undefined || r.namespace === filter.namespace)
    .filter((r) => !filter.notReady || !r.ready)
    .sort((a, b) =>
      `${a.cluster}\n${a.namespace}\n${a.name}`.localeCompare(`${b.cluster}\n${b.namespace}\n${b.name}`),
    );
}

const HEADERS = [
  "CLUSTER",
  "NAMESPACE/NAME",
  "PHASE",
  "CORES",
  "REPLICANTS",
  "VERSION",
  "REVISION",
  "LAST TRANSITION",
  "REASON",
];

/** A cluster that could not be listed: named in the table instead of failing the whole view. */
export interface FleetError {
  cluster: string;
  error: string;
}

/**
 * The table: one line per CR, columns padded, the reason column cut to what remains of `width`; then one line per
 * cluster that could not be read.
 *
 * @example renderFleetTable([fleetRow("prod", cr)], [], 160)
 */
export function renderFleetTable(
  rows: readonly FleetRow[],
  errors: readonly FleetError[],
  width: number,
): string {
  const cells = rows.map((r) => [
    r.cluster,
    `${r.namespace}/${r.name}`,
    r.phase,
    `${r.cores.ready}/${r.cores.desired}`,
    r.replicants ? `${r.replicants.ready}/${r.replicants.desired}` : "-",
    r.version,
    r.revision,
    r.lastTransition ?? "-",
    r.reason ?? "-",
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: readonly string[]) => {
    const fixed = c
      .slice(0, -1)
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join("  ");
    return truncate(`${fixed}  ${c[c.length - 1] ?? ""}`, Math.max(width, fixed.length + 8)).trimEnd();
  };
  const out = [line(HEADERS), ...cells.map(line)];
  for (const e of errors) out.push(`${e.cluster}: cannot list EMQX CRs: ${e.error}`);
  return `${out.join("\n")}\n`;
}
