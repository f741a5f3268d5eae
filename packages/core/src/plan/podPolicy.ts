/**
 * The pod-template policy check: which fields of the CR's pod templates (core and replicant) a `restricted` policy
 * refuses. Pure: the CR and the policy in, the offending field paths out.
 */
import {
  ALLOWED_ADDED_CAPABILITIES,
  ConditionReason,
  type Emqx,
  EventReason,
  type PodPolicy,
  PodPolicyMode,
} from "@emqx-reconciler/api";
import type { V1Container, V1ContainerPort, V1SecurityContext, V1Volume } from "@kubernetes/client-node";
import type { Problem } from "./problem.ts";

/** How many field paths one condition message names. */
const MAX_PATHS_SHOWN = 8;

/** The pod-level fields of one template that the policy looks at. */
interface TemplateFields {
  containerSecurityContext?: V1SecurityContext;
  ports?: V1ContainerPort[];
  initContainers?: V1Container[];
  extraContainers?: V1Container[];
  extraVolumes?: V1Volume[];
}

function securityContextPaths(context: V1SecurityContext | undefined, at: string): string[] {
  const added = (context?.capabilities?.add ?? []).flatMap((cap, i) =>
    ALLOWED_ADDED_CAPABILITIES.includes(cap.replace(/^CAP_/, "")) ? [] : [`${at}.capabilities.add[${i}]`],
  );
  return [...(context?.privileged === true ? [`${at}.privileged`] : []), ...added];
}

function hostPortPaths(ports: readonly V1ContainerPort[] | undefined, at: string): string[] {
  return (ports ?? []).flatMap((port, i) => (port.hostPort ? [`${at}[${i}].hostPort`] : []));
}

function containerPaths(containers: readonly V1Container[] | undefined, at: string): string[] {
  return (containers ?? []).flatMap((c, i) => [
    ...securityContextPaths(c.securityContext, `${at}[${i}].securityContext`),
    ...hostPortPaths(c.ports, `${at}[${i}].ports`),
  ]);
}

function templatePaths(spec: TemplateFields, at: string): string[] {
  return [
    ...securityContextPaths(spec.containerSecurityContext, `${at}.containerSecurityContext`),
    ...hostPortPaths(spec.ports, `${at}.ports`),
    ...containerPaths(spec.initContainers, `${at}.initContainers`),
    ...containerPaths(spec.extraContainers, `${at}.extraContainers`),
    ...(spec.extraVolumes ?? []).flatMap((v, i) => (v.hostPath ? [`${at}.extraVolumes[${i}].hostPath`] : [])),
  ];
}

/**
 * The field paths of `emqx` that `policy` forbids, in spec order; empty when the policy is `open` or nothing is
 * forbidden. A restricted policy refuses privileged containers, added capabilities other than
 * `NET_BIND_SERVICE`, host ports, hostPath volumes, and a `serviceAccountName` other than `default` or one the
 * policy lists.
 *
 * @example forbiddenPodFields(cr, { mode: "restricted", serviceAccounts: [] }) // ["spec.coreTemplate.spec.extraVolumes[0].hostPath"]
 */
export function forbiddenPodFields(emqx: Emqx, policy: PodPolicy): string[] {
  if (policy.mode !== PodPolicyMode.Restricted) return [];
  const account = emqx.spec.serviceAccountName;
  const accountAllowed =
    account === undefined ||
    account === "" ||
    account === "default" ||
    policy.serviceAccounts.includes(account);
  const replicant = emqx.spec.replicantTemplate?.spec;
  return [
    ...(accountAllowed ? [] : ["spec.serviceAccountName"]),
    ...templatePaths(emqx.spec.coreTemplate.spec, "spec.coreTemplate.spec"),
    ...(replicant ? templatePaths(replicant, "spec.replicantTemplate.spec") : []),
  ];
}

/**
 * The problem that stops a pass whose pod templates `policy` forbids (an `InvalidSpec` condition with reason
 * `PodTemplateForbidden` and one Warning event naming the field paths), or `undefined` when it allows them.
 */
export function podPolicyProblem(emqx: Emqx, policy: PodPolicy): Problem | undefined {
  const paths = forbiddenPodFields(emqx, policy);
  if (paths.length === 0) return undefined;
  const shown = paths.slice(0, MAX_PATHS_SHOWN).join(", ");
  const more = paths.length > MAX_PATHS_SHOWN ? ` and ${paths.length - MAX_PATHS_SHOWN} more` : "";
  return {
    reason: ConditionReason.PodTemplateForbidden,
    eventReason: EventReason.PodTemplateForbidden,
    message:
      `the cluster's pod policy "${policy.mode}" forbids ${shown}${more} ` +
      "(privileged containers, added capabilities, host ports, hostPath volumes and service accounts other " +
      "than default or the policy's own are refused); nothing was applied",
  };
}
