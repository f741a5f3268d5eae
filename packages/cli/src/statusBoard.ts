/**
 * What `run` knows about each CR for its status table, learnt from the reads and writes the workflows already make
 * (see `tapKube`): no request is made just for the display.
 */
import { ConditionType, LIFECYCLE_CONDITIONS } from "@emqx-reconciler/api";
import type { NodeCount, StatusRow } from "./table.ts";

/** The parts of an EMQX CR (as JSON from the apiserver) the board reads; everything is optional. */
export interface EmqxLike {
  metadata?: { namespace?: string; name?: string; creationTimestamp?: string | Date };
  spec?: unknown;
  status?: unknown;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
}

interface NodesStatus {
  replicas?: number;
  readyReplicas?: number;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function replicasOf(spec: unknown, template: string): number | undefined {
  const value = record(record(record(spec)[template]).spec).replicas;
  return typeof value === "number" ? value : undefined;
}

function nodeCount(spec: unknown, status: NodesStatus | undefined, template: string): NodeCount {
  return { ready: status?.readyReplicas ?? 0, desired: replicasOf(spec, template) ?? status?.replicas ?? 0 };
}

const LIFECYCLE: ReadonlySet<string> = new Set(LIFECYCLE_CONDITIONS);

/** Our problem conditions. */
const PROBLEMS: ReadonlySet<string> = new Set([
  ConditionType.InvalidSpec,
  ConditionType.ReconcileFailed,
  ConditionType.NodeStatusStale,
]);

/**
 * The phase column: a True `InvalidSpec`, `ReconcileFailed` or `NodeStatusStale` condition shows its reason (the
 * problem is what the user must act on), otherwise the first True lifecycle condition, as `kubectl get emqx`
 * prints it.
 */
export function computePhase(status: unknown): { phase: string; problem: boolean } {
  const conditions = (record(status).conditions ?? []) as Condition[];
  const isTrue = (c: Condition) => c.status === "True";
  const problem = conditions.find((c) => isTrue(c) && PROBLEMS.has(c.type ?? ""));
  if (problem) return { phase: problem.reason ?? problem.type ?? "Problem", problem: true };
  const lifecycle = conditions.find((c) => isTrue(c) && LIFECYCLE.has(c.type ?? ""));
  return { phase: lifecycle?.type ?? "Pending", problem: false };
}

/** A table row from a CR as read; `lastEvent` is carried over from the previous row. */
export function computeRow(cr: EmqxLike, previous?: StatusRow): StatusRow {
  const status = record(cr.status);
  const created = cr.metadata?.creationTimestamp;
  const hasReplicants = record(cr.spec).replicantTemplate !== undefined;
  return {
    namespace: cr.metadata?.namespace ?? "default",
    name: cr.metadata?.name ?? "",
    ...computePhase(cr.status),
    cores: nodeCount(cr.spec, status.coreNodesStatus as NodesStatus | undefined, "coreTemplate"),
    ...(hasReplicants
      ? {
          replicants: nodeCount(
            cr.spec,
            status.replicantNodesStatus as NodesStatus | undefined,
            "replicantTemplate",
          ),
        }
      : {}),
    ...(previous?.lastEvent ? { lastEvent: previous.lastEvent } : {}),
    ...(created ? { createdAt: new Date(created) } : {}),
  };
}

/** Rows by `namespace/name`, with a change callback so the view redraws only when something changed. */
export class StatusBoard {
  private readonly rows = new Map<string, StatusRow>();
  private readonly onChange: () => void;

  constructor(onChange: () => void = () => undefined) {
    this.onChange = onChange;
  }

  /** Every row, in no particular order (the table sorts). */
  list(): StatusRow[] {
    return [...this.rows.values()];
  }

  /** Records the CR as just read or written. */
  update(cr: EmqxLike): void {
    this.put(cr, this.rows);
    this.onChange();
  }

  /** Replaces every row of `namespace` (all namespaces when undefined) with a fresh listing. */
  replaceAll(crs: readonly EmqxLike[], namespace?: string): void {
    const previous = new Map(this.rows);
    for (const [key, row] of previous) {
      if (namespace === undefined || row.namespace === namespace) this.rows.delete(key);
    }
    for (const cr of crs) this.put(cr, previous);
    this.onChange();
  }

  private put(cr: EmqxLike, previous: ReadonlyMap<string, StatusRow>): void {
    const key = `${cr.metadata?.namespace ?? "default"}/${cr.metadata?.name ?? ""}`;
    this.rows.set(key, computeRow(cr, previous.get(key)));
  }

  /** Forgets a CR that no longer exists. */
  remove(namespace: string, name: string): void {
    if (this.rows.delete(`${namespace}/${name}`)) this.onChange();
  }

  /** Notes the newest event of a CR (an Event we recorded, or a failure), if the CR is on the board. */
  noteEvent(namespace: string, name: string, text: string, at: Date): void {
    const row = this.rows.get(`${namespace}/${name}`);
    if (!row) return;
    row.lastEvent = { text, at };
    this.onChange();
  }
}
