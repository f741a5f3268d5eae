/**
 * What the AWS path costs the cluster: the reconcile passes the reconcile function ran (one per CR of a batch, as
 * it coalesces a batch per FIFO group) and the Kubernetes requests of every function on the sandbox's gateway.
 */
import type { KubeGateway, RequestStatsSnapshot } from "@emqx-reconciler/adapters";
import type { SQSEvent } from "aws-lambda";
import { clusterGateways } from "../../../../packages/functions/src/clusters.ts";
import { registry } from "../../../../packages/functions/src/shared.ts";
import type { Handler } from "./lambda.ts";

/** The gateway the functions use for registered cluster `id` (the one the forwarder, reconcile and status share). */
export async function sandboxGateway(id: string): Promise<KubeGateway> {
  const entry = await (await registry()).get(id);
  if (!entry) throw new Error(`cluster ${id} is not registered`);
  return (await clusterGateways()).get(entry);
}

/** A reconcile handler that counts its passes. */
export interface PassCounter {
  handler: Handler;
  count(): number;
  reset(): void;
}

/** The passes a reconcile batch runs: one per distinct FIFO group (the last hint of each CR). */
export function passesIn(batch: SQSEvent): number {
  return new Set(batch.Records.map((r) => r.attributes.MessageGroupId)).size;
}

/** Wraps the reconcile handler, counting the passes of each batch. */
export function passCounter(reconcile: Handler): PassCounter {
  let passes = 0;
  return {
    handler: (event, context) => {
      passes += passesIn(event as SQSEvent);
      return reconcile(event, context);
    },
    count: () => passes,
    reset: () => {
      passes = 0;
    },
  };
}

/** The forwarder watches the EMQX CRs and the seven owned kinds: eight watches per served namespace. */
export const OWNED_KINDS_WATCHED = 8;

/** Watches opened so far. */
export function openedWatches(stats: RequestStatsSnapshot): number {
  return Object.entries(stats.byRequest)
    .filter(([request]) => request.startsWith("watch"))
    .reduce((sum, [, n]) => sum + n, 0);
}

/**
 * `N passes, R requests (r reads incl. w watches opened, x writes; t waited for the rate limit, m ms in all):
 * <verb resource> n, …`.
 */
export function describeLambdaRequests(stats: RequestStatsSnapshot, passes: number): string {
  const watches = openedWatches(stats);
  const detail = Object.entries(stats.byRequest)
    .sort((a, b) => b[1] - a[1])
    .map(([request, n]) => `${request} ${n}`)
    .join(", ");
  return `${passes} reconcile passes, ${stats.reads + stats.writes} Kubernetes requests (${stats.reads} reads incl. ${watches} watches opened, ${stats.writes} writes; ${stats.throttled.requests} waited for the rate limit, ${stats.throttled.ms.toFixed(0)} ms in all): ${detail}`;
}
