/**
 * EventBridge `ScaleRequest` → a resourceVersion-guarded change of the CR spec (the reconcile does the scaling).
 * Only principals the bus policy names can put one; here it must also parse (cores never below 1), name a
 * registered cluster and a namespace its entry serves (the allow-list of admission), and fit the CR's bounds. A
 * refused request is logged and counted and the handler returns normally, so the bus never retries it.
 */
import { KubeHttp } from "@emqx-reconciler/adapters";
import { clusterConnection } from "@emqx-reconciler/adapters/aws";
import { crKey, ScaleRequestSchema } from "@emqx-reconciler/api";
import { kubeScalePort, runScale, type ScaleOrigin, type ScaleOutcome } from "@emqx-reconciler/runtime";
import { allowedEntry } from "./allowList.ts";
import { count, logger, portLogger, withObservability } from "./observability.ts";
import { clusterClients } from "./shared.ts";

/** The parts of the EventBridge envelope we read; `source` and `account` are set by EventBridge, not the sender. */
interface ScaleEvent {
  id?: string;
  source?: string;
  account?: string;
  detail?: unknown;
}

/** How the handler ended: the workflow's outcome, or `dropped` before any cluster was contacted. */
export type ScaleHandlerOutcome = ScaleOutcome | "dropped";

function refused(why: string, fields: Record<string, unknown>): { outcome: ScaleHandlerOutcome } {
  count("ScaleRequestsRefused");
  logger.warn(`Refused scale request: ${why}`, fields);
  return { outcome: "dropped" };
}

export const handler = withObservability<ScaleEvent, { outcome: ScaleHandlerOutcome }>().handler(
  async (event) => {
    const origin: ScaleOrigin = {
      source: event.source ?? "unknown",
      ...(event.account ? { account: event.account } : {}),
      ...(event.id ? { eventId: event.id } : {}),
    };
    const parsed = ScaleRequestSchema.safeParse(event.detail);
    if (!parsed.success)
      return refused("not a valid scale request", { ...origin, error: parsed.error.message.slice(0, 500) });
    const request = parsed.data;
    const key = crKey(request.cluster, request.namespace, request.name);
    logger.appendKeys({ key });
    const entry = await allowedEntry(request.cluster, request.namespace);
    if (!entry) return refused("unregistered cluster or namespace", { ...origin, key });
    const http = new KubeHttp(await clusterConnection(entry, await clusterClients()));
    const outcome = await runScale(
      {
        kube: kubeScalePort(http),
        logger: portLogger({ key }),
      },
      request,
      origin,
    ).finally(() => http.close());
    count(`Scale_${outcome}`);
    if (outcome === "rejected") count("ScaleRequestsRefused");
    return { outcome };
  },
);
