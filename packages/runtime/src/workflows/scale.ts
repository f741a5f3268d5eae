/**
 * The scale workflow: a `ScaleRequest` becomes a change of the CR's spec, which the forwarder then sees like any
 * edit, so the reconcile does the scaling with its usual safety (blue-green, evacuation, limits). It never touches
 * a StatefulSet or ReplicaSet itself, and every request that reaches a CR leaves an Event on it naming who asked.
 */
import { crKey, DEFAULT_LIMITS, EventReason, type Limits, type ScaleRequest } from "@emqx-reconciler/api";
import type { Logger } from "../ports.ts";
import { retryableFailure } from "./reconcileErrors.ts";
import { scaleBounds } from "./scaleBounds.ts";

/** How a scale request ended. `rejected` is final: logged, counted, never retried. */
export type ScaleOutcome = "scaled" | "unchanged" | "absent" | "rejected";

/** The CR as the scale workflow reads it. */
export interface ScaleTarget {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  spec?: unknown;
}

/** The Kubernetes calls of the scale workflow. */
export interface ScalePort {
  /** The CR as stored, or `undefined`. */
  getEmqx(namespace: string, name: string): Promise<ScaleTarget | undefined>;
  /**
   * A JSON merge patch of the CR (or of its `scale` subresource), conditional on the `resourceVersion` inside the
   * patch; a changed CR is a `conflict`.
   */
  patchEmqx(namespace: string, name: string, patch: object, subresource?: "scale"): Promise<unknown>;
  /** Records an Event on the CR. */
  recordEvent(
    cr: ScaleTarget,
    event: { type: "Normal" | "Warning"; reason: string; message: string },
  ): Promise<void>;
}

/** Where a request came from, as far as the transport knows it. */
export interface ScaleOrigin {
  /** The event's source (EventBridge `source`), e.g. `emqx-reconciler.scale`. */
  source: string;
  /** The AWS account that put the event, when known. */
  account?: string;
  /** The event's id, to find it in the logs of the sender and the bus. */
  eventId?: string;
}

/** What the scale workflow needs. */
export interface ScaleDeps {
  kube: ScalePort;
  logger: Logger;
  limits?: Partial<Limits>;
}

function replicasOf(
  spec: unknown,
  template: "coreTemplate" | "replicantTemplate",
): number | undefined | null {
  const t = (spec as Record<string, { spec?: { replicas?: number } } | undefined> | undefined)?.[template];
  if (!t) return null;
  return t.spec?.replicas;
}

/** `emqx-reconciler.scale, account 123456789012, requested by "hpa-bridge", event 1f2e…`. */
export function describeOrigin(request: ScaleRequest, origin: ScaleOrigin): string {
  return [
    origin.source,
    origin.account ? `account ${origin.account}` : "",
    request.requestedBy ? `requested by ${JSON.stringify(request.requestedBy)}` : "",
    origin.eventId ? `event ${origin.eventId}` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

const plural = { core: "cores", replicant: "replicants" } as const;

/**
 * Sets one role's replicas. Replicants go through the CRD's `scale` subresource (what `kubectl scale` and an HPA
 * use); cores, which that subresource does not cover, through a merge patch of `spec.coreTemplate.spec.replicas`.
 * Both writes carry the resourceVersion just read, so a request racing an edit fails as a conflict and is retried
 * on a fresh read. A request that can never succeed as sent is `rejected` (logged, a Warning Event on the CR when
 * it exists, not retried): cores below 1, replicas outside the reconciler's limit or the CR's
 * `apps.emqx.io/scale-{min,max}-{cores,replicants}` annotations, replicants of a CR with no `replicantTemplate`.
 * A change leaves a Normal `ScaleRequested` Event saying who asked and what changed.
 *
 * @example await runScale(deps, { cluster: "prod", namespace: "mq", name: "emqx", role: "replicant", replicas: 5 }, { source: "emqx-reconciler.scale" });
 */
export async function runScale(
  deps: ScaleDeps,
  request: ScaleRequest,
  origin: ScaleOrigin = { source: "unknown" },
): Promise<ScaleOutcome> {
  const { namespace, name, role, replicas } = request;
  const key = crKey(request.cluster, namespace, name);
  const who = describeOrigin(request, origin);
  const max = deps.limits?.maxReplicas ?? DEFAULT_LIMITS.maxReplicas;
  const refuse = async (why: string, cr?: ScaleTarget): Promise<ScaleOutcome> => {
    deps.logger.warn("Rejected scale request", { key, role, replicas, why, from: who });
    if (cr) {
      const message = `Refused a scale request from ${who}: ${plural[role]} → ${replicas}: ${why}`;
      await record(deps, cr, { type: "Warning", reason: EventReason.ScaleRequestRefused, message });
    }
    return "rejected";
  };
  if (role === "core" && replicas < 1) return refuse("cores never go below 1 by request");
  if (replicas > max) return refuse(`over the reconciler's limit of ${max} replicas`);
  try {
    const cr = await deps.kube.getEmqx(namespace, name);
    if (!cr) return "absent";
    const template = role === "core" ? "coreTemplate" : "replicantTemplate";
    const current = replicasOf(cr.spec, template);
    if (current === null && role === "replicant") return refuse("the CR has no replicantTemplate", cr);
    const bounds = scaleBounds(cr.metadata?.annotations, role, max);
    if (!bounds.ok) return refuse(bounds.problem, cr);
    const { min, max: top } = bounds.bounds;
    if (replicas < min || replicas > top)
      return refuse(`outside the CR's bounds for ${plural[role]} (${min}…${top})`, cr);
    if (current === replicas) return "unchanged";
    const metadata = { resourceVersion: cr.metadata?.resourceVersion };
    if (role === "replicant")
      await deps.kube.patchEmqx(namespace, name, { metadata, spec: { replicas } }, "scale");
    else
      await deps.kube.patchEmqx(namespace, name, {
        metadata,
        spec: { coreTemplate: { spec: { replicas } } },
      });
    const from = current ?? "default";
    deps.logger.info("Scaled EMQX", { key, role, from, to: replicas, by: who });
    const message = `Scale request from ${who}: ${plural[role]} ${from} → ${replicas}`;
    await record(deps, cr, { type: "Normal", reason: EventReason.ScaleRequested, message });
    return "scaled";
  } catch (error) {
    throw retryableFailure(`scale ${key}`, error);
  }
}

/** Events report, they do not decide: a failure to record one is logged, and the outcome stands. */
async function record(
  deps: ScaleDeps,
  cr: ScaleTarget,
  event: { type: "Normal" | "Warning"; reason: string; message: string },
): Promise<void> {
  try {
    await deps.kube.recordEvent(cr, event);
  } catch (error) {
    deps.logger.warn("Failed to record Event", {
      reason: event.reason,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
