import { childNames, defaultLabels, type Emqx, type Role } from "@emqx-reconciler/api";
import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import { childMeta, crLabels } from "./meta.ts";
import { podLabels, type RoleTemplate, roleTemplate } from "./podTemplate.ts";
import { compact } from "./util.ts";

function buildPdb(emqx: Emqx, role: Role, name: string, template: RoleTemplate): V1PodDisruptionBudget {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: childMeta(emqx, name, crLabels(emqx, defaultLabels(emqx.metadata.name))),
    spec: compact({
      selector: { matchLabels: podLabels(emqx, role, template) },
      minAvailable: template.spec.minAvailable,
      maxUnavailable: template.spec.maxUnavailable,
    }),
  };
}

/**
 * `<name>-core`: selects core pods by role + template labels and no hash, so it covers old and new
 * sets during a blue-green update; `minAvailable` / `maxUnavailable` as given (either may be unset).
 *
 * Always `policy/v1`: the operator fell back to `policy/v1beta1` below Kubernetes 1.21, a version long out of
 * support (and the v1beta1 API is gone since 1.25).
 */
export function buildCorePdb(emqx: Emqx): V1PodDisruptionBudget {
  return buildPdb(emqx, "core", childNames(emqx.metadata.name).corePdb, emqx.spec.coreTemplate);
}

/** Whether the CR runs replicants: a replicant spec with `replicas > 0` (the operator's `IsExistReplicant`). */
export function hasReplicants(emqx: Emqx): boolean {
  return (emqx.spec.replicantTemplate?.spec?.replicas ?? 0) > 0;
}

/**
 * `<name>-replicant`, only while replicants exist. The operator never deletes it when they go away; the
 * plan decides what to do with an existing one.
 */
export function buildReplicantPdb(emqx: Emqx): V1PodDisruptionBudget | undefined {
  const template = roleTemplate(emqx, "replicant");
  if (!template || !hasReplicants(emqx)) return undefined;
  return buildPdb(emqx, "replicant", childNames(emqx.metadata.name).replicantPdb, template);
}
