/**
 * `emqx-reconciler rbac`: prints the RBAC of the parts chosen (infra/kubernetes/rbac.yaml: one ClusterRole per
 * part), bound to a group: per namespace by RoleBindings when namespaces are given, else by ClusterRoleBindings.
 * Secrets and the Lease are only ever granted per namespace.
 */
import { readFileSync } from "node:fs";
import { parseAllDocuments, stringify } from "yaml";
import { CliError, type Command } from "../command.ts";

const RBAC_FILE = new URL("../../../../infra/kubernetes/rbac.yaml", import.meta.url);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABELS = { "app.kubernetes.io/name": "emqx-reconciler" };

/**
 * What each part of the reconciler calls: `forwarder` (list/watch of the CRs and owned kinds), `reconcile` (server-side
 * apply, guarded patches and deletes of children, status, Events), `status` (the scheduled status refresh), `scale`
 * (scale requests, the autoscaler), `read` (`status` and the reads of `plan --live`).
 */
export const RBAC_PARTS = ["forwarder", "reconcile", "status", "scale", "read"] as const;
/** One part of the reconciler, a ClusterRole `emqx-reconciler-<part>`. */
export type RbacPart = (typeof RBAC_PARTS)[number];
/** The parts `emqx-reconciler run` and the Lambda functions need together: the default. */
export const RECONCILER_PARTS: readonly RbacPart[] = ["forwarder", "reconcile", "status", "scale"];
/** Parts that read or create the CR's Secrets (bootstrap key, cookie, state copy, dashboard CA). */
const SECRET_PARTS: readonly RbacPart[] = ["forwarder", "reconcile", "status"];

/** What {@link renderRbac} prints. */
export interface RbacOptions {
  /** The Kubernetes group every binding names. */
  group: string;
  /** Served namespaces: each part bound there by a RoleBinding (none: ClusterRoleBindings, and no Secrets). */
  namespaces: readonly string[];
  /** More namespaces where `run` may hold its Lease (`default` for a `run` serving the whole cluster). */
  leaseNamespaces?: readonly string[];
  /** @default RECONCILER_PARTS */
  parts?: readonly RbacPart[];
}

function binding(
  kind: "RoleBinding" | "ClusterRoleBinding",
  role: string,
  group: string,
  namespace?: string,
) {
  return stringify({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind,
    metadata: { name: role, ...(namespace ? { namespace } : {}), labels: LABELS },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
  });
}

/**
 * The ClusterRoles of rbac.yaml (comments kept) that the chosen parts use, then their bindings: each part per
 * namespace (or cluster-wide without namespaces); the Secrets role per namespace for parts that touch Secrets;
 * the Lease role per namespace and lease namespace when `reconcile` is chosen (`run` holds the Lease).
 *
 * @example renderRbac({ group: "emqx-reconciler", namespaces: ["emqx"] })
 */
export function renderRbac(options: RbacOptions): string {
  const { group, namespaces } = options;
  const parts = [...new Set(options.parts ?? RECONCILER_PARTS)];
  const roles = parts.map((part) => `emqx-reconciler-${part}`);
  const secrets = namespaces.length > 0 && parts.some((p) => SECRET_PARTS.includes(p));
  const leaseSpaces = parts.includes("reconcile")
    ? [...new Set([...namespaces, ...(options.leaseNamespaces ?? [])])]
    : [];
  if (secrets) roles.push("emqx-reconciler-secrets");
  if (leaseSpaces.length > 0) roles.push("emqx-reconciler-lease");
  const docs = parseAllDocuments(readFileSync(RBAC_FILE, "utf8")).filter((doc) =>
    roles.includes(String(doc.getIn(["metadata", "name"]))),
  );
  const bindings = [
    ...parts.flatMap((part) => {
      const role = `emqx-reconciler-${part}`;
      return namespaces.length === 0
        ? [binding("ClusterRoleBinding", role, group)]
        : namespaces.map((ns) => binding("RoleBinding", role, group, ns));
    }),
    ...(secrets ? namespaces.map((ns) => binding("RoleBinding", "emqx-reconciler-secrets", group, ns)) : []),
    ...leaseSpaces.map((ns) => binding("RoleBinding", "emqx-reconciler-lease", group, ns)),
  ];
  return [...docs.map((d) => String(d).replace(/^---\n/, "")), ...bindings].join("---\n");
}

function names(values: unknown, flag: string): string[] {
  const list = (values as string[] | undefined) ?? [];
  for (const ns of list)
    if (!DNS_LABEL.test(ns)) throw new CliError(`${flag} ${ns}: not a valid namespace name`);
  return list;
}

/** `--part a,b --part c` → the parts, each checked. */
function parseParts(values: unknown): RbacPart[] | undefined {
  const given = ((values as string[] | undefined) ?? []).flatMap((v) => v.split(",")).map((v) => v.trim());
  if (given.length === 0) return undefined;
  for (const part of given)
    if (!(RBAC_PARTS as readonly string[]).includes(part))
      throw new CliError(`--part ${part}: not a part; choose from ${RBAC_PARTS.join(", ")}`);
  return given as RbacPart[];
}

const rbac: Command = {
  usage: `Usage: emqx-reconciler rbac [--group <name>] [--namespace <ns>]... [--lease-namespace <ns>]...
                            [--part forwarder|reconcile|status|scale|read]...

Prints the Kubernetes RBAC of emqx-reconciler, one ClusterRole per part, bound to a group (the one the functions'
EKS access entry maps them to, or the identity 'emqx-reconciler run' uses). With --namespace every part is bound
by a RoleBinding in each namespace given, and nothing outside them is granted; without, the parts are bound
cluster-wide and no Secret is readable. Secrets and run's coordination Lease are only ever granted per namespace.

Parts (default: forwarder, reconcile, status, scale, what run and the functions need together):
  forwarder   list/watch of the EMQX CRs and their children (Secrets through the per-namespace Secrets role)
  reconcile   server-side apply of children, guarded patches and deletes, the CR's status and annotations, Events
  status      the status refresh: sets and pods read, the CR's and Rebalances' status, pod readiness gates
  scale       scale requests and the connection autoscaler: the CR's /scale subresource and spec, Events
  read        'emqx-reconciler status' and the reads of 'plan --live' (whose dry-run apply also needs reconcile)

Options:
  --group <name>            Kubernetes group the bindings name (default: emqx-reconciler)
  --namespace <ns>          A namespace whose EMQX clusters are served; repeat for more
  --lease-namespace <ns>    One more namespace where 'run' may hold its Lease (default for a 'run' that serves
                            every namespace); repeat for more
  --part <part>             A part to grant (repeat, or comma-separate); default the four of the reconciler

Examples:
  emqx-reconciler rbac --namespace emqx | kubectl apply -f -
  emqx-reconciler rbac --group emqx-viewers --part read --namespace emqx`,
  options: {
    group: { type: "string" },
    namespace: { type: "string", multiple: true },
    "lease-namespace": { type: "string", multiple: true },
    part: { type: "string", multiple: true },
  },
  async run({ values }) {
    const group = typeof values.group === "string" ? values.group : "emqx-reconciler";
    if (group.trim() === "") throw new CliError("--group: must not be empty");
    const namespaces = names(values.namespace, "--namespace");
    const leaseNamespaces = names(values["lease-namespace"], "--lease-namespace");
    const parts = parseParts(values.part);
    if (namespaces.length === 0 && (parts ?? RECONCILER_PARTS).some((p) => SECRET_PARTS.includes(p)))
      process.stderr.write("note: no --namespace given; no Secret access is granted\n");
    process.stdout.write(renderRbac({ group, namespaces, leaseNamespaces, ...(parts ? { parts } : {}) }));
    return 0;
  },
};

export default rbac;
