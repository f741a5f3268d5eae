/**
 * The IAM permissions of every function as plain data, built from the ARNs of what they touch: the SST files
 * attach exactly these, and test/security/iam.test.ts diffs them against a reviewed allow-list without SST or AWS.
 * Each function gets only the actions its handler calls (no `link`: linking a queue or bus grants `sqs:*` /
 * `events:*`), on named resources; the only patterns are the `emqx-reconciler/` kubeconfig secrets and, when no
 * cluster role is registered, this account's `emqx-reconciler-` roles.
 */
import type { HandlerName } from "@emqx-reconciler/functions/handlers";
import { functions } from "./topology.ts";

/** One IAM statement: actions allowed on resources (ARNs, or values that become ARNs at deploy time). */
export interface Permission<T> {
  actions: string[];
  resources: T[];
}

/** The ARNs the permissions name. */
export interface PermissionTargets<T> {
  registryParameter: T;
  bus: T;
  reconcileQueue: T;
  delayQueue: T;
  asyncDlq: T;
  /** `arn:aws:secretsmanager:<region>:<account>:secret:emqx-reconciler/*`: kubeconfig secrets only. */
  kubeconfigSecrets: T;
  /** The registered cluster roles (`EMQX_CLUSTER_ROLE_ARNS`); empty: `ownClusterRoles`. */
  clusterRoles: readonly T[];
  /** `arn:aws:iam::<account>:role/emqx-reconciler-*`: this account's roles of that prefix, never another's. */
  ownClusterRoles: T;
}

const CONSUME = [
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibility",
  "sqs:GetQueueAttributes",
];

/**
 * Every function's statements: reading the registry, its own actions, and sending to the async DLQ when it is
 * invoked asynchronously (rules and schedules).
 *
 * @example functionPermissions(targets).scale // registry read, kubeconfig secrets, sts:AssumeRole
 */
export function functionPermissions<T>(targets: PermissionTargets<T>): Record<HandlerName, Permission<T>[]> {
  const reachClusters: Permission<T>[] = [
    { actions: ["secretsmanager:GetSecretValue"], resources: [targets.kubeconfigSecrets] },
    {
      actions: ["sts:AssumeRole"],
      resources: targets.clusterRoles.length > 0 ? [...targets.clusterRoles] : [targets.ownClusterRoles],
    },
  ];
  const putEvents: Permission<T> = { actions: ["events:PutEvents"], resources: [targets.bus] };
  const own: Record<HandlerName, Permission<T>[]> = {
    admit: [{ actions: ["sqs:SendMessage"], resources: [targets.reconcileQueue] }],
    reconcile: [
      { actions: CONSUME, resources: [targets.reconcileQueue] },
      { actions: ["sqs:SendMessage"], resources: [targets.delayQueue] },
      putEvents,
      ...reachClusters,
    ],
    requeue: [
      { actions: CONSUME, resources: [targets.delayQueue] },
      { actions: ["sqs:SendMessage"], resources: [targets.delayQueue, targets.reconcileQueue] },
    ],
    status: [putEvents, ...reachClusters],
    forwarder: [putEvents, ...reachClusters],
    scale: reachClusters,
  };
  const readRegistry: Permission<T> = {
    actions: ["ssm:GetParameter"],
    resources: [targets.registryParameter],
  };
  return Object.fromEntries(
    Object.entries(own).map(([name, permissions]) => {
      const asynchronous = functions[name as HandlerName].trigger.kind !== "queue";
      const dlq = { actions: ["sqs:SendMessage"], resources: [targets.asyncDlq] };
      return [name, [readRegistry, ...permissions, ...(asynchronous ? [dlq] : [])]];
    }),
  ) as Record<HandlerName, Permission<T>[]>;
}
