/**
 * "Converged" as a user sees it: `kubectl get emqx` prints Ready, the status counts equal the spec, the sets hold
 * the asked replicas, and the EMQX cluster has exactly those nodes running.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { ConditionType, LABEL_DB_ROLE, roleLabels } from "@emqx-reconciler/api";
import {
  applySeed,
  type EmqxObject,
  printedStatus,
  readCr,
  SEED_NAME,
  type Testbed,
  waitFor,
} from "./testbed.ts";

/** Desired node counts of the seed-shaped CR. */
export interface Shape {
  cores: number;
  replicants: number;
}

/** The shape of the seed example (examples/emqx-core-replicant.yaml). */
export const SEED_SHAPE: Shape = { cores: 2, replicants: 3 };

interface SetObject extends KubeObject {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number };
}

/** What the test reads to decide convergence, kept for the failure message. */
export interface Snapshot {
  printed: string | undefined;
  cr: EmqxObject | undefined;
  statefulSets: SetObject[];
  replicaSets: SetObject[];
  pods: KubeObject[];
}

/** Reads everything {@link waitForShape} decides on, at once. */
export async function snapshot(testbed: Testbed, namespace: string, name = SEED_NAME): Promise<Snapshot> {
  const [printed, cr, statefulSets, replicaSets, pods] = await Promise.all([
    printedStatus(testbed, namespace, name),
    readCr(testbed, namespace, name),
    testbed.gateway.listOwned("StatefulSet", namespace, name),
    testbed.gateway.listOwned("ReplicaSet", namespace, name),
    testbed.gateway.listOwned("Pod", namespace, name),
  ]);
  return { printed, cr, statefulSets, replicaSets, pods };
}

function shapeReached(s: Snapshot, want: Shape): boolean {
  const status = s.cr?.status;
  const [sts] = s.statefulSets;
  const [rs] = s.replicaSets;
  const live = (p: KubeObject) => !p.metadata?.deletionTimestamp;
  const rolePods = (role: string) =>
    s.pods.filter((p) => live(p) && p.metadata?.labels?.[LABEL_DB_ROLE] === role);
  return (
    s.printed === ConditionType.Ready &&
    !(status?.conditions ?? []).some(
      (c) =>
        (c.type === ConditionType.InvalidSpec || c.type === ConditionType.ReconcileFailed) &&
        c.status === "True",
    ) &&
    status !== undefined &&
    (status.coreNodesStatus?.replicas ?? 0) === want.cores &&
    (status.coreNodesStatus?.readyReplicas ?? 0) === want.cores &&
    (status.coreNodes ?? []).length === want.cores &&
    (status.replicantNodesStatus?.replicas ?? 0) === want.replicants &&
    (status.replicantNodesStatus?.readyReplicas ?? 0) === want.replicants &&
    (status.replicantNodes ?? []).length === want.replicants &&
    s.statefulSets.length === 1 &&
    sts?.spec?.replicas === want.cores &&
    (sts.status?.readyReplicas ?? 0) === want.cores &&
    s.replicaSets.length === 1 &&
    rs?.spec?.replicas === want.replicants &&
    (rs.status?.readyReplicas ?? 0) === want.replicants &&
    rolePods("core").length === want.cores &&
    rolePods("replicant").length === want.replicants
  );
}

/** Waits until the CR is Ready at exactly this shape; returns what it saw then. */
export async function waitForShape(
  testbed: Testbed,
  namespace: string,
  want: Shape,
  name = SEED_NAME,
  timeoutMs = 90_000,
): Promise<Snapshot> {
  let last: Snapshot | undefined;
  return waitFor(
    `${namespace}/${name} Ready with ${want.cores} cores and ${want.replicants} replicants`,
    async () => {
      last = await snapshot(testbed, namespace, name);
      return shapeReached(last, want) ? last : undefined;
    },
    timeoutMs,
    async () => ({
      printed: last?.printed,
      status: last?.cr?.status,
      sets: [...(last?.statefulSets ?? []), ...(last?.replicaSets ?? [])].map((s) => ({
        name: s.metadata?.name,
        spec: s.spec?.replicas,
        ready: s.status?.readyReplicas,
      })),
      pods: last?.pods.map((p) => p.metadata?.name),
    }),
  );
}

/** The role whose pods the listeners Service selects, or undefined when the selector is not the operator's. */
export async function listenersRole(testbed: Testbed, namespace: string, name = SEED_NAME) {
  const service = await testbed.gateway.get("Service", namespace, `${name}-listeners`);
  const sorted = (labels: object) => JSON.stringify(Object.entries(labels).sort());
  const selector = sorted((service?.spec as { selector?: object } | undefined)?.selector ?? {});
  for (const role of ["core", "replicant"] as const)
    if (selector === sorted(roleLabels(name, role))) return role;
  return undefined;
}

/** Applies the seed example to `namespace` and waits until it is Ready at {@link SEED_SHAPE}. */
export async function convergeSeed(testbed: Testbed, namespace: string): Promise<Snapshot> {
  await applySeed(testbed, namespace);
  return waitForShape(testbed, namespace, SEED_SHAPE);
}
