/**
 * `emqx-reconciler rbac`: prints the RBAC the functions need (infra/kubernetes/rbac.yaml), bound to a group, plus
 * one RoleBinding of the Secrets role per namespace served, so no Secret is readable cluster-wide.
 */
import { readFileSync } from "node:fs";
import { parseAllDocuments, stringify } from "yaml";
import { CliError, type Command } from "../command.ts";

const RBAC_FILE = new URL("../../../../infra/kubernetes/rbac.yaml", import.meta.url);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A RoleBinding of the ClusterRole `role` to `group` in `namespace`. */
function roleBinding(role: string, namespace: string, group: string): string {
  return stringify({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: role, namespace, labels: { "app.kubernetes.io/name": "emqx-reconciler" } },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
  });
}

/**
 * rbac.yaml (comments kept) with the binding's group set, and per namespace a RoleBinding of the Secrets role and
 * one of the Lease role (for `run --namespace`); `leaseNamespaces` adds Lease bindings elsewhere (`default` for a
 * `run` serving the whole cluster).
 */
export function renderRbac(
  group: string,
  namespaces: readonly string[],
  leaseNamespaces: readonly string[] = [],
): string {
  const docs = parseAllDocuments(readFileSync(RBAC_FILE, "utf8"));
  for (const doc of docs)
    if (doc.get("kind") === "ClusterRoleBinding") doc.setIn(["subjects", 0, "name"], group);
  const secrets = namespaces.map((namespace) => roleBinding("emqx-reconciler-secrets", namespace, group));
  const leases = [...new Set([...namespaces, ...leaseNamespaces])].map((namespace) =>
    roleBinding("emqx-reconciler-lease", namespace, group),
  );
  return [...docs.map((d) => String(d).replace(/^---\n/, "")), ...secrets, ...leases].join("---\n");
}

const rbac: Command = {
  usage: `Usage: emqx-reconciler rbac [--group <name>] [--namespace <ns>]... [--lease-namespace <ns>]...

Prints the Kubernetes RBAC of the serverless reconciler, bound to the group that the functions' EKS access entry
maps them to. Secrets are granted only in the namespaces given with --namespace (one RoleBinding each), and so is
the coordination Lease of 'emqx-reconciler run' (which keeps it in the served namespace).

Options:
  --group <name>            Kubernetes group of the access entry (default: emqx-reconciler)
  --namespace <ns>          A namespace whose EMQX clusters are served; repeat for more
  --lease-namespace <ns>    One more namespace where 'run' may hold its Lease (default for a 'run' that serves
                            every namespace); repeat for more

Example:
  emqx-reconciler rbac --namespace emqx | kubectl apply -f -`,
  options: {
    group: { type: "string" },
    namespace: { type: "string", multiple: true },
    "lease-namespace": { type: "string", multiple: true },
  },
  async run({ values }) {
    const group = typeof values.group === "string" ? values.group : "emqx-reconciler";
    const namespaces = (values.namespace as string[] | undefined) ?? [];
    const leaseNamespaces = (values["lease-namespace"] as string[] | undefined) ?? [];
    if (group.trim() === "") throw new CliError("--group: must not be empty");
    for (const ns of namespaces)
      if (!DNS_LABEL.test(ns)) throw new CliError(`--namespace ${ns}: not a valid namespace name`);
    for (const ns of leaseNamespaces)
      if (!DNS_LABEL.test(ns)) throw new CliError(`--lease-namespace ${ns}: not a valid namespace name`);
    if (namespaces.length === 0)
      process.stderr.write("note: no --namespace given; the functions get no Secret access\n");
    process.stdout.write(renderRbac(group, namespaces, leaseNamespaces));
    return 0;
  },
};

export default rbac;
