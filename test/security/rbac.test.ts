/**
 * The RBAC `emqx-reconciler rbac` prints, diffed against the reviewed allow-list (rbac.allowlist.yaml): every
 * grant of every part must be listed there, and Secrets and the Lease are never bound cluster-wide.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { RBAC_PARTS, renderRbac } from "../../packages/cli/src/commands/rbac.ts";
import { allowedGrants, grantsOf } from "./rbacRules.ts";

const allowList = parse(readFileSync(join(import.meta.dirname, "rbac.allowlist.yaml"), "utf8")) as Record<
  string,
  Record<string, string[]>
>;
const everything = renderRbac({
  group: "g",
  namespaces: ["emqx"],
  leaseNamespaces: ["default"],
  parts: RBAC_PARTS,
});

describe("the generated RBAC against the reviewed allow-list", () => {
  it("grants nothing the allow-list does not list", () => {
    const allowed = new Set(allowedGrants(allowList));
    const broader = grantsOf(everything).filter((grant) => !allowed.has(grant));
    expect(broader, "grants beyond test/security/rbac.allowlist.yaml").toEqual([]);
  });

  it("lists nothing the RBAC no longer grants (the allow-list stays the reviewed truth)", () => {
    const granted = new Set(grantsOf(everything));
    expect(allowedGrants(allowList).filter((grant) => !granted.has(grant))).toEqual([]);
  });

  it("never binds Secrets or the Lease cluster-wide, whatever the parts and namespaces", () => {
    for (const namespaces of [[], ["emqx"]])
      for (const part of RBAC_PARTS) {
        const bindings = parseAllDocuments(renderRbac({ group: "g", namespaces, parts: [part] }))
          .map((d) => d.toJS() as { kind: string; roleRef?: { name: string } })
          .filter((d) => d.kind === "ClusterRoleBinding");
        const roles = bindings.map((b) => b.roleRef?.name);
        expect(roles).not.toContain("emqx-reconciler-secrets");
        expect(roles).not.toContain("emqx-reconciler-lease");
        if (namespaces.length > 0) expect(roles).toEqual([]);
      }
  });
});
