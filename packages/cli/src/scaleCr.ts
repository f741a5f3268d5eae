/**
 * The `scale` verb's work, embedded: resolve `N`, `+N` or `-N` against the CR's current spec and send the result
 * through the scale workflow (bounds, an Event naming who asked) with the resourceVersion of the very read the
 * delta was resolved against. A CR changed in between is a conflict: read again and resolve again (3 tries).
 */
import { isKubeError, KubeErrorKind } from "@emqx-reconciler/adapters";
import type { Logger } from "@emqx-reconciler/runtime";
import { runScale, type ScaleOutcome, type ScalePort, type ScaleTarget } from "@emqx-reconciler/runtime";

/** A replicas argument: an absolute count or a change of the current one. */
export type ReplicasChange = { kind: "absolute"; value: number } | { kind: "delta"; value: number };

/** Reads `5`, `+1` or `-2`; `undefined` for anything else. */
export function parseReplicasChange(text: string): ReplicasChange | undefined {
  const m = /^([+-]?)(\d{1,6})$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[2]);
  if (m[1] === "") return { kind: "absolute", value: n };
  return { kind: "delta", value: m[1] === "-" ? -n : n };
}

/** The replicas a change asks for, from the role's current spec (an absent count is 0 here; never below 0). */
export function resolveReplicas(spec: unknown, role: "core" | "replicant", change: ReplicasChange): number {
  if (change.kind === "absolute") return change.value;
  const template = role === "core" ? "coreTemplate" : "replicantTemplate";
  const current =
    (spec as Record<string, { spec?: { replicas?: number } } | undefined> | undefined)?.[template]?.spec
      ?.replicas ?? 0;
  return Math.max(0, current + change.value);
}

/** What `scale` did. */
export interface ScaleCrResult {
  outcome: ScaleOutcome;
  replicas?: number;
}

/** Which role of which CR a `scale` asks for, and the change: an absolute count or a delta. */
export interface ScaleAsk {
  cluster: string;
  namespace: string;
  name: string;
  role: "core" | "replicant";
  change: ReplicasChange;
}

/**
 * Scales one role of one CR.
 *
 * @example await scaleCr(kubeScalePort(http), logger, { cluster: "local", namespace: "mq", name: "emqx", role: "replicant", change: { kind: "delta", value: 1 } });
 */
export async function scaleCr(
  port: ScalePort,
  logger: Logger,
  target: ScaleAsk,
  requestedBy = "emqx-reconciler scale",
): Promise<ScaleCrResult> {
  for (let attempt = 1; ; attempt++) {
    const cr = await port.getEmqx(target.namespace, target.name);
    if (!cr) return { outcome: "absent" };
    const replicas = resolveReplicas(cr.spec, target.role, target.change);
    const pinned: ScalePort = { ...port, getEmqx: async (): Promise<ScaleTarget> => cr };
    try {
      const outcome = await runScale(
        { kube: pinned, logger },
        {
          cluster: target.cluster,
          namespace: target.namespace,
          name: target.name,
          role: target.role,
          replicas,
          requestedBy,
        },
        { source: "emqx-reconciler.cli" },
      );
      return { outcome, replicas };
    } catch (error) {
      const conflict = isKubeError((error as Error).cause, KubeErrorKind.Conflict);
      if (!conflict || attempt >= 3) throw error;
    }
  }
}
