import { childNames, type Emqx } from "@emqx-reconciler/api";
import type { V1PersistentVolumeClaim, V1StatefulSet } from "@kubernetes/client-node";
import { buildHashedTemplate } from "./hashedTemplate.ts";
import { childMeta, namespaceOf } from "./meta.ts";
import { podLabels, type RoleTemplate } from "./podTemplate.ts";
import { wantsClaim } from "./util.ts";

/** Options of `buildCoreSet` / `buildReplicantSet`. */
export interface SetOptions {
  /** Overrides `status.<role>NodesStatus.collisionCount` when naming the set. */
  readonly collisionCount?: number;
}

/**
 * The `<name>-core-data` claim template: core labels + template labels (no hash), the CR's claim spec with
 * `volumeMode: Filesystem` when unset. Absent when the CR's claim spec is Go-zero (`wantsClaim`).
 */
function coreDataClaims(emqx: Emqx, template: RoleTemplate): V1PersistentVolumeClaim[] | undefined {
  const claim = template.spec.volumeClaimTemplates;
  if (!claim || !wantsClaim(claim)) return undefined;
  return [
    {
      metadata: {
        name: childNames(emqx.metadata.name).coreData,
        namespace: namespaceOf(emqx),
        labels: podLabels(emqx, "core", template),
      },
      spec: { ...structuredClone(claim), volumeMode: claim.volumeMode ?? "Filesystem" },
    },
  ];
}

/**
 * The core StatefulSet `<name>-core-<hash>`: `serviceName: <name>-headless`,
 * `podManagementPolicy: Parallel`, replicas from `coreTemplate.spec.replicas`, the hash label on the set, its
 * selector and its pods, annotations from `coreTemplate.metadata.annotations`. `revisionHistoryLimit` is not
 * copied (the operator leaves Kubernetes' default). Name and hash are deterministic, so retries are safe.
 *
 * @example buildCoreSet(emqx).metadata?.name // "emqx-core-t2sjkhtr2m"
 */
export function buildCoreSet(emqx: Emqx, options: SetOptions = {}): V1StatefulSet {
  const template = emqx.spec.coreTemplate;
  const {
    hash,
    labels,
    template: podTemplate,
  } = buildHashedTemplate(emqx, "core", template, options.collisionCount);
  const names = childNames(emqx.metadata.name);
  const claims = coreDataClaims(emqx, template);
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: childMeta(emqx, names.coreSet(hash), labels, template.metadata?.annotations),
    spec: {
      serviceName: names.headless,
      replicas: template.spec.replicas,
      selector: { matchLabels: { ...labels } },
      podManagementPolicy: "Parallel",
      template: podTemplate,
      ...(claims ? { volumeClaimTemplates: claims } : {}),
    },
  };
}
