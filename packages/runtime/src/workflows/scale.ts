/**
 * The scale workflow (DESIGN §2 "scale requests"): a `ScaleRequest` from anyone becomes a change of the CR's spec,
 * which the forwarder then sees like any edit, so the reconcile does the scaling with its usual safety (blue-green,
 * evacuation, limits). It never touches a StatefulSet or ReplicaSet itself.
 */
import { crKey, DEFAULT_LIMITS, type Limits, type ScaleRequest } from "@emqx-reconciler/api";
import type { Logger } from "../ports.ts";
import { retryableFailure } from "./reconcileErrors.ts";

/** How a scale request ended. */
export type ScaleOutcome = "scaled" | "unchanged" | "absent" | "rejected";

/** The Kubernetes calls of the scale workflow. */
export interface ScalePort {
  /** The CR as stored, or `undefined`. */
  getEmqx(
    namespace: string,
    name: string,
  ): Promise<{ metadata?: { resourceVersion?: string }; spec?: unknown } | undefined>;
  /**
   * A JSON merge patch of the CR (or of its `scale` subresource), conditional on the `resourceVersion` inside the
   * patch; a changed CR is a `conflict`.
   */
  patchEmqx(namespace: string, name: string, patch: object, subresource?: "scale"): Promise<unknown>;
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

/**
 * Sets one role's replicas. Replicants go through the CRD's `scale` subresource (what `kubectl scale` and an HPA
 * use, reference §1 of the CRD); cores, which that subresource does not cover, through a merge patch of
 * `spec.coreTemplate.spec.replicas`. Both writes carry the resourceVersion just read, so a request racing an edit
 * fails as a conflict and is retried on a fresh read. A request over the limit, or for replicants of a CR with no
 * `replicantTemplate`, is `rejected` (logged, not retried): it cannot succeed until someone changes the CR.
 *
 * @example await runScale(deps, { cluster: "prod", namespace: "mq", name: "emqx", role: "replicant", replicas: 5 });
 */
export async function runScale(deps: ScaleDeps, request: ScaleRequest): Promise<ScaleOutcome> {
  const { namespace, name, role, replicas } = request;
  const key = crKey(request.cluster, namespace, name);
  const max = deps.limits?.maxReplicas ?? DEFAULT_LIMITS.maxReplicas;
  if (replicas > max) {
    deps.logger.warn("Rejected scale request: over the replica limit", { key, role, replicas, max });
    return "rejected";
  }
  try {
    const cr = await deps.kube.getEmqx(namespace, name);
    if (!cr) return "absent";
    const template = role === "core" ? "coreTemplate" : "replicantTemplate";
    const current = replicasOf(cr.spec, template);
    if (current === null && role === "replicant") {
      deps.logger.warn("Rejected scale request: the CR has no replicantTemplate", { key, replicas });
      return "rejected";
    }
    if (current === replicas) return "unchanged";
    const metadata = { resourceVersion: cr.metadata?.resourceVersion };
    if (role === "replicant")
      await deps.kube.patchEmqx(namespace, name, { metadata, spec: { replicas } }, "scale");
    else
      await deps.kube.patchEmqx(namespace, name, {
        metadata,
        spec: { coreTemplate: { spec: { replicas } } },
      });
    deps.logger.info("Scaled EMQX", { key, role, from: current ?? "default", to: replicas });
    return "scaled";
  } catch (error) {
    throw retryableFailure(`scale ${key}`, error);
  }
}
