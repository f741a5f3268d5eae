import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { renderRbac } from "../../src/commands/rbac.ts";

type Rule = { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] };
type Doc = {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { name: string };
  subjects?: Array<{ kind: string; name: string }>;
};

const docs = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Doc);
const ids = (out: Doc[]) => out.map((d) => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`);
const verbsOf = (out: Doc[], role: string, resource: string) =>
  out
    .find((d) => d.kind === "ClusterRole" && d.metadata.name === role)
    ?.rules?.filter((r) => r.resources.includes(resource))
    .flatMap((r) => r.verbs) ?? [];

describe("Function: renderRbac", () => {
  it("binds each part of the reconciler per namespace, and Secrets and the Lease only there", () => {
    const out = docs(renderRbac({ group: "reconcilers", namespaces: ["emqx", "edge"] }));
    expect(ids(out)).toEqual([
      "ClusterRole//emqx-reconciler-forwarder",
      "ClusterRole//emqx-reconciler-reconcile",
      "ClusterRole//emqx-reconciler-status",
      "ClusterRole//emqx-reconciler-scale",
      "ClusterRole//emqx-reconciler-secrets",
      "ClusterRole//emqx-reconciler-lease",
      ...["forwarder", "reconcile", "status", "scale", "secrets", "lease"].flatMap((part) => [
        `RoleBinding/emqx/emqx-reconciler-${part}`,
        `RoleBinding/edge/emqx-reconciler-${part}`,
      ]),
    ]);
    for (const binding of out.filter((d) => d.kind.endsWith("Binding"))) {
      expect(binding.subjects).toEqual([expect.objectContaining({ kind: "Group", name: "reconcilers" })]);
      expect(binding.roleRef?.name).toBe(binding.metadata.name);
    }
  });

  it("binds the parts cluster-wide without namespaces, and then grants no Secret and no Lease", () => {
    const out = docs(renderRbac({ group: "g", namespaces: [] }));
    expect(ids(out).filter((id) => id.includes("Binding"))).toEqual([
      "ClusterRoleBinding//emqx-reconciler-forwarder",
      "ClusterRoleBinding//emqx-reconciler-reconcile",
      "ClusterRoleBinding//emqx-reconciler-status",
      "ClusterRoleBinding//emqx-reconciler-scale",
    ]);
    expect(JSON.stringify(out)).not.toContain("secrets");
    expect(JSON.stringify(out)).not.toContain("leases");
  });

  it("prints only the parts asked for: read is reads only, with no Secrets", () => {
    const out = docs(renderRbac({ group: "viewers", namespaces: ["emqx"], parts: ["read"] }));
    expect(ids(out)).toEqual(["ClusterRole//emqx-reconciler-read", "RoleBinding/emqx/emqx-reconciler-read"]);
    const verbs = new Set(out[0]?.rules?.flatMap((r) => r.verbs));
    expect([...verbs].sort()).toEqual(["get", "list"]);
  });

  it("gives each verb to the part that needs it: the forwarder only reads, only reconcile deletes", () => {
    const out = docs(renderRbac({ group: "g", namespaces: ["emqx"] }));
    const forwarderVerbs = new Set(
      out.find((d) => d.metadata.name === "emqx-reconciler-forwarder")?.rules?.flatMap((r) => r.verbs),
    );
    expect([...forwarderVerbs].sort()).toEqual(["list", "watch"]);
    expect(verbsOf(out, "emqx-reconciler-reconcile", "statefulsets")).toContain("delete");
    expect(verbsOf(out, "emqx-reconciler-status", "statefulsets")).toEqual(["list"]);
    expect(verbsOf(out, "emqx-reconciler-scale", "emqxes/scale")).toEqual(["get", "patch"]);
    for (const role of out.filter((d) => d.kind === "ClusterRole"))
      for (const rule of role.rules ?? []) {
        expect([...rule.verbs, ...rule.resources, ...rule.apiGroups]).not.toContain("*");
      }
  });

  it("grants run's Lease per namespace: create, and get/update of the one named emqx-reconciler", () => {
    const out = docs(renderRbac({ group: "g", namespaces: ["emqx"], leaseNamespaces: ["default", "emqx"] }));
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
