import { childNames, type Emqx } from "@emqx-reconciler/api";
import type { V1ReplicaSet } from "@kubernetes/client-node";
import type { SetOptions } from "./coreSet.ts";
import { buildHashedTemplate } from "./hashedTemplate.ts";
import { childMeta } from "./meta.ts";
import { roleTemplate } from "./podTemplate.ts";

/**
 * The replicant ReplicaSet `<name>-replicant-<hash>`: like the core set but with replicant
 * labels, no `POD_NAME`, `EMQX_HOST` from `status.podIP`, emptyDir data and log volumes, and its own
 * `topologySpreadConstraints` (operator 2.3-dev copied the core's; we, like 2.2, do not).
 *
 * Undefined when the CR declares no `replicantTemplate` (no replicants, as with the operator's nil template). A
 * declared template with `replicas: 0` yields a 0-replica set: the operator creates one for an explicit 0, and an
 * existing set must be scaled to it. Whether to create it (the operator: only once `CoreNodesReady`) is the plan's
 * decision.
 */
export function buildReplicantSet(emqx: Emqx, options: SetOptions = {}): V1ReplicaSet | undefined {
  const template = roleTemplate(emqx, "replicant");
  if (!template) return undefined;
  const {
    hash,
    labels,
    template: podTemplate,
  } = buildHashedTemplate(emqx, "replicant", template, options.collisionCount);
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: childMeta(
      emqx,
      childNames(emqx.metadata.name).replicantSet(hash),
      labels,
      template.metadata?.annotations,
    ),
    spec: {
      replicas: template.spec.replicas,
      selector: { matchLabels: { ...labels } },
      template: podTemplate,
    },
  };
}
