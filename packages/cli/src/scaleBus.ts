/**
 * The `scale` verb's AWS path: `N`, `+N` or `-N` resolved against the CR's current spec (read through the
 * kubeconfig), then sent as one `ScaleRequest` on the EventBridge bus, which the scale function serves with its
 * allow-list, bounds and Event, exactly as it serves an autoscaler's request.
 */
import { DetailType, EventSource, type PutEventsTarget, ScaleRequestSchema } from "@emqx-reconciler/api";
import type { ScalePort } from "@emqx-reconciler/runtime";
import { resolveReplicas, type ScaleAsk } from "./scaleCr.ts";

/** What was sent: the resolved count and the bus's event id; `absent` when the CR does not exist. */
export type BusScaleResult = { outcome: "sent"; replicas: number; eventId: string } | { outcome: "absent" };

/**
 * Resolves the change and puts the request on the bus; a request the schema refuses (cores below 1) or the bus
 * rejects throws with the reason.
 *
 * @example await sendScaleRequest({ getEmqx }, await busTarget("emqx-reconciler"), { cluster: "prod", namespace: "mq", name: "emqx", role: "replicant", change: { kind: "delta", value: 1 } });
 */
export async function sendScaleRequest(
  port: Pick<ScalePort, "getEmqx">,
  bus: PutEventsTarget,
  target: ScaleAsk,
  requestedBy = "emqx-reconciler scale",
): Promise<BusScaleResult> {
  const cr = await port.getEmqx(target.namespace, target.name);
  if (!cr) return { outcome: "absent" };
  const replicas = resolveReplicas(cr.spec, target.role, target.change);
  const request = ScaleRequestSchema.parse({
    cluster: target.cluster,
    namespace: target.namespace,
    name: target.name,
    role: target.role,
    replicas,
    requestedBy,
  });
  const out = await bus.putEvents([
    { Source: EventSource.Scale, DetailType: DetailType.ScaleRequest, Detail: JSON.stringify(request) },
  ]);
  const entry = out.Entries[0];
  if (out.FailedEntryCount > 0 || !entry?.EventId)
    throw new Error(
      `the bus refused the scale request: ${entry?.ErrorCode ?? ""} ${entry?.ErrorMessage ?? ""}`,
    );
  return { outcome: "sent", replicas, eventId: entry.EventId };
}
