import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { renderRbac } from "../../src/commands/rbac.ts";

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
type Doc = {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  subjects?: Array<{ kind: string; name: string }>;
};

const docs = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Doc);
const verbsOf = (doc: Doc | undefined, resource: string) =>
  doc?.rules?.filter((r) => r.resources.includes(resource)).flatMap((r) => r.verbs) ?? [];

describe("Function: renderRbac", () => {
  it("binds the cluster role to the group and the Secrets role only per namespace", () => {
    const out = docs(renderRbac("reconcilers", ["emqx", "edge"]));
    expect(out.map((d) => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`)).toEqual([
      "ClusterRole//emqx-reconciler",
      "ClusterRole//emqx-reconciler-secrets",
      "ClusterRole//emqx-reconciler-lease",
      "ClusterRoleBinding//emqx-reconciler",
      "RoleBinding/emqx/emqx-reconciler-secrets",
      "RoleBinding/edge/emqx-reconciler-secrets",
      "RoleBinding/emqx/emqx-reconciler-lease",
      "RoleBinding/edge/emqx-reconciler-lease",
    ]);
    for (const binding of out.filter((d) => d.kind.endsWith("Binding")))
      expect(binding.subjects).toEqual([expect.objectContaining({ kind: "Group", name: "reconcilers" })]);
  });

  it("is narrower than the operator's role: no PVs, no endpoints, no pod updates, no Secret access cluster-wide", () => {
    const [role, secretsRole] = docs(renderRbac("g", []));
    const resources = role?.rules?.flatMap((r) => r.resources) ?? [];
    for (const forbidden of ["persistentvolumes", "endpoints", "secrets", "leases", "nodes", "nodes/proxy"])
      expect(resources).not.toContain(forbidden);
    expect(verbsOf(role, "pods")).not.toContain("update");
    expect(verbsOf(role, "emqxes")).not.toContain("create");
    expect(verbsOf(role, "emqxes")).not.toContain("delete");
    expect(verbsOf(role, "persistentvolumeclaims")).not.toContain("create");
    expect(verbsOf(secretsRole, "secrets").sort()).toEqual(["create", "get", "list", "watch"]);
  });

  it("grants run's Lease per namespace: create, and get/update of the one named emqx-reconciler", () => {
    const out = docs(renderRbac("g", ["emqx"], ["default", "emqx"]));
    const leaseRole = out.find(
      (d) => d.kind === "ClusterRole" && d.metadata.name === "emqx-reconciler-lease",
    );
    expect(leaseRole?.rules).toEqual([
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        resourceNames: ["emqx-reconciler"],
        verbs: ["get", "update"],
      },
    ]);
    expect(
      out
        .filter((d) => d.metadata.name === "emqx-reconciler-lease" && d.kind === "RoleBinding")
        .map((d) => d.metadata.namespace),
    ).toEqual(["emqx", "default"]);
  });
});
