/**
 * What the chaos suite demands after each quiet period, as pure checks over one {@link Observation}: the children
 * match the spec, `.status` agrees with the emulated EMQX cluster, nothing is orphaned, nothing is negative, no
 * canary secret is visible. Each check returns the problems it found (empty: the invariant holds).
 */
import type { KubeObject, OwnedChildren } from "@emqx-reconciler/adapters";
import {
  CONDITION_ON_SERVING,
  ConditionType,
  childNames,
  type EmqxStatus,
  LABEL_DB_ROLE,
} from "@emqx-reconciler/api";
import { configDigest } from "@emqx-reconciler/core";
import type { ClusterDump } from "@emqx-reconciler/sandbox/emulator";

/** The CR as read back. */
export type ChaosCr = KubeObject & {
  spec?: {
    image?: string;
    revisionHistoryLimit?: number;
    config?: { data?: string };
    coreTemplate?: { spec?: { replicas?: number } };
    replicantTemplate?: { spec?: { replicas?: number } };
  };
  status?: EmqxStatus;
};

/** Everything one convergence check reads, at one moment. */
export interface Observation {
  cr: ChaosCr | undefined;
  children: OwnedChildren;
  /** The emulated EMQX cluster of the CR, if any node of it runs. */
  emqx: ClusterDump | undefined;
  /** `plan --live`: a reconcile now would write nothing. */
  planConverged: boolean;
  /** What `plan --live` would still write, for the failure message. */
  planPending: string[];
}

/** A StatefulSet or ReplicaSet, as far as the checks read it. */
export type SetLike = KubeObject & {
  spec?: {
    replicas?: number;
    template?: { spec?: { containers?: Array<{ name?: string; image?: string }> } };
  };
  status?: { readyReplicas?: number };
};

/** The EMQX container's image of a set's pod template. */
export function setImage(set: SetLike): string | undefined {
  const containers = set.spec?.template?.spec?.containers ?? [];
  return (containers.find((c) => c.name === "emqx") ?? containers[0])?.image;
}

function conditionTrue(cr: ChaosCr, type: string): boolean {
  return cr.status?.conditions?.some((c) => c.type === type && c.status === "True") ?? false;
}

function setProblems(role: string, sets: readonly SetLike[], cr: ChaosCr, desired: number): string[] {
  const problems: string[] = [];
  const running = sets.filter((s) => (s.spec?.replicas ?? 0) > 0);
  const name = (s: SetLike) => s.metadata?.name;
  if (desired > 0 && running.length !== 1)
    problems.push(`${role}: ${running.length} sets with replicas > 0 (${running.map(name).join(", ")})`);
  if (desired === 0 && running.length > 0) problems.push(`${role}: sets still running: ${running.map(name)}`);
  for (const set of running) {
    if (setImage(set) !== cr.spec?.image)
      problems.push(`${role} set ${name(set)} runs ${setImage(set)}, spec says ${cr.spec?.image}`);
    if (set.spec?.replicas !== desired || (set.status?.readyReplicas ?? 0) !== desired)
      problems.push(
        `${role} set ${name(set)}: replicas ${set.spec?.replicas}, ready ${set.status?.readyReplicas}, spec ${desired}`,
      );
  }
  const limit = (cr.spec?.revisionHistoryLimit ?? 10) + 1;
  if (sets.length > limit) problems.push(`${role}: ${sets.length} sets, more than revisionHistoryLimit + 1`);
  return problems;
}

function nodeNames(nodes: ReadonlyArray<{ node?: string; name?: string }> | undefined): string {
  return (nodes ?? [])
    .map((n) => n.node ?? n.name ?? "")
    .sort()
    .join(",");
}

/** `.status` equals what the EMQX cluster reports: the same running cores and replicants. */
export function statusProblems(obs: Observation, cores: number, replicants: number): string[] {
  const status = obs.cr?.status;
  if (!status) return ["no status"];
  const problems: string[] = [];
  const running = (role: string) =>
    (obs.emqx?.nodes ?? [])
      .filter((n) => n.role === role && n.status === "running" && !n.departed)
      .map((n) => n.name)
      .sort()
      .join(",");
  if (nodeNames(status.coreNodes) !== running("core"))
    problems.push(`status.coreNodes [${nodeNames(status.coreNodes)}] ≠ EMQX cores [${running("core")}]`);
  if (nodeNames(status.replicantNodes) !== running("replicant"))
    problems.push(
      `status.replicantNodes [${nodeNames(status.replicantNodes)}] ≠ EMQX replicants [${running("replicant")}]`,
    );
  if ((status.coreNodes ?? []).length !== cores)
    problems.push(`${status.coreNodes?.length} core nodes, spec ${cores}`);
  if ((status.replicantNodes ?? []).length !== replicants)
    problems.push(`${status.replicantNodes?.length} replicant nodes, spec ${replicants}`);
  const counts = [status.coreNodesStatus, status.replicantNodesStatus].flatMap((s) =>
    Object.entries(s ?? {}),
  );
  for (const [field, value] of counts)
    if (typeof value === "number" && value < 0) problems.push(`status count ${field} is ${value}`);
  return problems;
}

/** Every labelled child has one controller, and it is alive (the CR, or for pods one of the CR's sets). */
export function orphanProblems(obs: Observation): string[] {
  const { children } = obs;
  const crUid = obs.cr?.metadata?.uid;
  const setUids = new Set([...children.StatefulSet, ...children.ReplicaSet].map((s) => s.metadata?.uid));
  const problems: string[] = [];
  for (const [kind, objects] of Object.entries(children) as Array<[string, KubeObject[]]>) {
    for (const obj of objects) {
      if (obj.metadata?.deletionTimestamp) continue;
      const controllers = (obj.metadata?.ownerReferences ?? []).filter((o) => o.controller);
      const alive = kind === "Pod" ? setUids.has(controllers[0]?.uid) : controllers[0]?.uid === crUid;
      if (controllers.length !== 1 || !alive) problems.push(`orphan ${kind}/${obj.metadata?.name}`);
    }
  }
  return problems;
}

function podCondition(pod: KubeObject, type: string): string {
  const conditions = (pod.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)
    ?.conditions;
  return conditions?.find((c) => c.type === type)?.status ?? "-";
}

function podReady(pod: KubeObject): boolean {
  return podCondition(pod, "Ready") === "True";
}

/**
 * `name:phase`, and for a pod that is not Ready what decides it: its IP, whether its containers are ready, and the
 * `on-serving` gate (`-` when it has none), e.g. `emqx-replicant-x:Running/unready(ip 127.1.0.9, containers True,
 * gate -)`: a stuck CR's report then tells a gate we never opened from a kubelet that never followed it.
 */
function describePod(pod: KubeObject): string {
  const status = pod.status as { phase?: string; podIP?: string } | undefined;
  const head = `${pod.metadata?.name}:${status?.phase}`;
  if (podReady(pod)) return head;
  const gate = podCondition(pod, CONDITION_ON_SERVING);
  return `${head}/unready(ip ${status?.podIP ?? "-"}, containers ${podCondition(pod, "ContainersReady")}, gate ${gate})`;
}

/** The children the spec asks for exist, with the spec's replicas, image and config. */
export function childProblems(obs: Observation): string[] {
  const { cr, children } = obs;
  if (!cr) return ["the CR is gone"];
  const cores = cr.spec?.coreTemplate?.spec?.replicas ?? 0;
  const replicants = cr.spec?.replicantTemplate?.spec?.replicas ?? 0;
  const names = childNames(cr.metadata?.name ?? "");
  const problems = [
    ...setProblems("core", children.StatefulSet as SetLike[], cr, cores),
    ...setProblems("replicant", children.ReplicaSet as SetLike[], cr, replicants),
  ];
  const livePods = (role: string) =>
    children.Pod.filter(
      (p) => !p.metadata?.deletionTimestamp && p.metadata?.labels?.[LABEL_DB_ROLE] === role,
    );
  for (const [role, want] of [
    ["core", cores],
    ["replicant", replicants],
  ] as const) {
    const pods = livePods(role);
    if (pods.length !== want || pods.some((p) => p.status?.phase !== "Running" || !podReady(p)))
      problems.push(`${role} pods: ${pods.map(describePod)}, spec ${want}`);
  }
  const present = (list: ReadonlyArray<{ metadata?: { name?: string } }>, name: string) =>
    list.some((o) => o.metadata?.name === name);
  const required: Array<[string, ReadonlyArray<{ metadata?: { name?: string } }>, string]> = [
    ["Service", children.Service, names.headless],
    ["Service", children.Service, names.dashboard],
    ["Service", children.Service, names.listeners],
    ["ConfigMap", children.ConfigMap, names.configs],
    ["Secret", children.Secret, names.bootstrapApiKey],
    ["Secret", children.Secret, names.nodeCookie],
    ["Secret", children.Secret, names.reconcilerState],
    ["PodDisruptionBudget", children.PodDisruptionBudget, names.corePdb],
  ];
  if (replicants > 0)
    required.push(["PodDisruptionBudget", children.PodDisruptionBudget, names.replicantPdb]);
  for (const [kind, list, name] of required)
    if (!present(list, name)) problems.push(`missing ${kind}/${name}`);
  const data = cr.spec?.config?.data ?? "";
  const configMap = children.ConfigMap.find((c) => c.metadata?.name === names.configs);
  if (configMap && !configMap.data?.["emqx.conf"]?.endsWith(data))
    problems.push("ConfigMap lacks config.data");
  const digest = cr.metadata?.annotations?.["apps.emqx.io/last-emqx-configuration"];
  if (digest !== configDigest(data))
    problems.push(`config digest annotation ${digest} ≠ ${configDigest(data)}`);
  return problems;
}

/** Every problem that keeps the CR from counting as converged; empty once it is. */
export function convergenceProblems(obs: Observation): string[] {
  const { cr } = obs;
  if (!cr) return ["the CR is gone"];
  const problems: string[] = [];
  const ready = cr.status?.conditions?.find((c) => c.type === ConditionType.Ready);
  if (ready?.status !== "True") {
    const conditions = (cr.status?.conditions ?? []).map(
      (c) => `${c.type}=${c.status}${c.reason ? `/${c.reason}` : ""}`,
    );
    problems.push(`not Ready (conditions: ${conditions.join(", ") || "none"})`);
  } else if (ready.observedGeneration !== cr.metadata?.generation)
    problems.push(
      `Ready observed generation ${ready.observedGeneration}, the CR is at ${cr.metadata?.generation}`,
    );
  for (const bad of [ConditionType.InvalidSpec, ConditionType.ReconcileFailed, ConditionType.TemplateDrift])
    if (conditionTrue(cr, bad)) problems.push(`condition ${bad} True`);
  problems.push(
    ...childProblems(obs),
    ...statusProblems(
      obs,
      cr.spec?.coreTemplate?.spec?.replicas ?? 0,
      cr.spec?.replicantTemplate?.spec?.replicas ?? 0,
    ),
    ...orphanProblems(obs),
  );
  if (!obs.planConverged) problems.push(`plan --live has pending writes: ${obs.planPending.join("; ")}`);
  return problems;
}

/** The canaries found in a text (logs, Events, status, annotations). */
export function leakedCanaries(text: string, canaries: readonly string[]): string[] {
  return canaries.filter((c) => c.length > 0 && text.includes(c));
}
