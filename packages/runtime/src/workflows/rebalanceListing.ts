/**
 * How the status refresher finds the operator's `Rebalance` objects: one list across every namespace served
 * (embedded, the read cache answers it), grouped by namespace, so a Rebalance in a namespace without an EMQX CR
 * (its EMQX deleted, or never created) is visited too. The Rebalance CRD is optional: a 404 means it is not
 * installed and there is none. Without a cache (the Lambda status function), a {@link RebalanceCrdMemory} keeps a
 * warm function from asking again on every run while the CRD stays absent.
 */

import { isKubeError, KubeErrorKind, type KubeObject } from "@emqx-reconciler/adapters";
import { monotonicMs } from "@emqx-reconciler/api";
import type { StatusDeps } from "../ports.ts";
import { failOrphanRebalances } from "./rebalance.ts";

/** How long a missing Rebalance CRD is believed missing before the next list asks again. */
export const REBALANCE_CRD_RECHECK_MS = 300_000;

/**
 * Remembers that one cluster has no Rebalance CRD, so a refresher without a watch lists Rebalances at most once
 * per `recheckMs` while it stays absent (instead of one 404 per run).
 */
export class RebalanceCrdMemory {
  private absentAt: number | undefined;
  private readonly recheckMs: number;
  private readonly now: () => number;

  constructor(recheckMs = REBALANCE_CRD_RECHECK_MS, now: () => number = monotonicMs) {
    this.recheckMs = recheckMs;
    this.now = now;
  }

  /** False while a 404 seen less than `recheckMs` ago stands. */
  shouldList(): boolean {
    return this.absentAt === undefined || this.now() - this.absentAt >= this.recheckMs;
  }

  /** Records what a list found: the CRD is installed (`true`) or not. */
  noteInstalled(installed: boolean): void {
    this.absentAt = installed ? undefined : this.now();
  }
}

/**
 * The Rebalances of `namespace`, or of every namespace served when it is omitted; none when the Rebalance CRD is
 * not installed (or `memory` says it was not, lately).
 */
export async function listRebalances(
  deps: Pick<StatusDeps, "kube">,
  namespace?: string,
  memory?: RebalanceCrdMemory,
): Promise<KubeObject[]> {
  if (memory && !memory.shouldList()) return [];
  try {
    const { items } = await deps.kube.list("Rebalance", namespace === undefined ? {} : { namespace });
    memory?.noteInstalled(true);
    return items;
  } catch (error) {
    if (!isKubeError(error, KubeErrorKind.NotFound)) throw error;
    memory?.noteInstalled(false);
    return [];
  }
}

/** Every Rebalance served, by namespace; a failed list is logged and gives none (the next refresh lists again). */
export async function listRebalancesByNamespace(
  deps: Pick<StatusDeps, "kube" | "logger" | "rebalanceCrd">,
): Promise<Map<string, KubeObject[]>> {
  const byNamespace = new Map<string, KubeObject[]>();
  try {
    for (const item of await listRebalances(deps, undefined, deps.rebalanceCrd)) {
      const namespace = item.metadata?.namespace ?? "";
      byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), item]);
    }
  } catch (error) {
    deps.logger.warn("Failed to list Rebalances", {
      error: error instanceof Error ? error.message : String(error),
    });
  }
  return byNamespace;
}

/**
 * Fails, in every namespace of `listed`, the Rebalances that name none of the EMQX CRs `crs` has there (or that
 * are being deleted: their finalizer goes); failures are logged.
 */
export async function failOrphans(
  deps: StatusDeps,
  crs: readonly KubeObject[],
  listed: ReadonlyMap<string, readonly KubeObject[]>,
): Promise<void> {
  for (const [namespace, rebalanceList] of listed) {
    const names = new Set(
      crs.filter((cr) => cr.metadata?.namespace === namespace).map((cr) => cr.metadata?.name ?? ""),
    );
    await failOrphanRebalances(deps, rebalanceList, names).catch((error: unknown) =>
      deps.logger.warn("Rebalance failed", {
        namespace,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }
}
