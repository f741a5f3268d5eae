import { type Emqx, LABEL_POD_TEMPLATE_HASH, type Role } from "@emqx-reconciler/api";
import type { V1PodTemplateSpec } from "@kubernetes/client-node";
import { podTemplateHash } from "../template/podTemplateHash.ts";
import { buildPodTemplate, type RoleTemplate } from "./podTemplate.ts";

/** A finished pod template and the hash that names its set. */
export interface HashedTemplate {
  readonly hash: string;
  /** Labels of the set, its selector and its pods: role + template labels + `apps.emqx.io/pod-template-hash`. */
  readonly labels: Record<string, string>;
  readonly template: V1PodTemplateSpec;
}

/**
 * Builds the role's pod template, hashes it (see `podTemplateHash`) and adds the hash label. The collision count
 * comes from the option, else from `status.<role>NodesStatus.collisionCount`.
 */
export function buildHashedTemplate(
  emqx: Emqx,
  role: Role,
  template: RoleTemplate,
  collisionCount?: number,
): HashedTemplate {
  const unhashed = buildPodTemplate(emqx, role, template);
  const status = role === "core" ? emqx.status?.coreNodesStatus : emqx.status?.replicantNodesStatus;
  const hash = podTemplateHash(unhashed, collisionCount ?? status?.collisionCount);
  const labels = { ...unhashed.metadata?.labels, [LABEL_POD_TEMPLATE_HASH]: hash };
  return { hash, labels, template: { ...unhashed, metadata: { ...unhashed.metadata, labels } } };
}
