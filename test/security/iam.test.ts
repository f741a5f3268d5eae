/**
 * The IAM statements infra attaches to each function (infra/permissions.ts, the data functions.ts passes to SST),
 * diffed against the reviewed allow-list (iam.allowlist.yaml); and `sts:AssumeRole` limited to the registered
 * role ARNs (`EMQX_CLUSTER_ROLE_ARNS`, validated by infra/settings.ts) or this account's emqx-reconciler-* roles.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HANDLER_NAMES } from "@emqx-reconciler/functions/handlers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { functionPermissions, type PermissionTargets } from "../../infra/permissions.ts";

const allowList = parse(readFileSync(join(import.meta.dirname, "iam.allowlist.yaml"), "utf8")) as Record<
  string,
  Record<string, string[]>
>;

/** Each target stands for itself, so a statement reads like the allow-list. */
const NAMED: PermissionTargets<string> = {
  registryParameter: "registryParameter",
  bus: "bus",
  reconcileQueue: "reconcileQueue",
  delayQueue: "delayQueue",
  asyncDlq: "asyncDlq",
  kubeconfigSecrets: "kubeconfigSecrets",
  clusterRoles: ["clusterRoles"],
  ownClusterRoles: "ownClusterRoles",
};

/** `function action resource` lines of a permission set. */
function grants(permissions: ReturnType<typeof functionPermissions<string>>): string[] {
  return Object.entries(permissions)
    .flatMap(([fn, statements]) =>
      statements.flatMap((s) => s.actions.flatMap((a) => s.resources.map((r) => `${fn} ${a} ${r}`))),
    )
    .sort();
}

const allowed = Object.entries(allowList)
  .flatMap(([fn, actions]) =>
    Object.entries(actions).flatMap(([action, resources]) => resources.map((r) => `${fn} ${action} ${r}`)),
  )
  .sort();

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("the functions' IAM statements against the reviewed allow-list", () => {
  it("grant nothing beyond the allow-list, and the allow-list lists nothing they do not grant", () => {
    const granted = grants(functionPermissions(NAMED));
    expect(
      granted.filter((g) => !allowed.includes(g)),
      "grants beyond test/security/iam.allowlist.yaml",
    ).toEqual([]);
    expect(allowed.filter((g) => !granted.includes(g))).toEqual([]);
    expect(Object.keys(allowList).sort()).toEqual([...HANDLER_NAMES].sort());
  });

  it("never name '*' as an action or a resource, nor a service-wide action", () => {
    const arns: PermissionTargets<string> = {
      registryParameter: "arn:aws:ssm:eu-west-1:111111111111:parameter/emqx-reconciler/prod/clusters",
      bus: "arn:aws:events:eu-west-1:111111111111:event-bus/emqx",
      reconcileQueue: "arn:aws:sqs:eu-west-1:111111111111:reconcile.fifo",
      delayQueue: "arn:aws:sqs:eu-west-1:111111111111:delay",
      asyncDlq: "arn:aws:sqs:eu-west-1:111111111111:async-dlq",
      kubeconfigSecrets: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:emqx-reconciler/*",
      clusterRoles: [],
      ownClusterRoles: "arn:aws:iam::111111111111:role/emqx-reconciler-*",
    };
    for (const statements of Object.values(functionPermissions(arns)))
      for (const s of statements) {
        for (const action of s.actions) expect(action).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
        for (const resource of s.resources) {
          expect(resource).not.toBe("*");
          expect(resource).toMatch(/^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/);
        }
      }
  });

  it("let sts:AssumeRole reach exactly the registered roles when some are registered", () => {
    const roles = ["arn:aws:iam::222222222222:role/emqx-prod", "arn:aws:iam::333333333333:role/emqx-edge"];
    const permissions = functionPermissions({ ...NAMED, clusterRoles: roles });
    for (const statements of Object.values(permissions)) {
      const assume = statements.filter((s) => s.actions.includes("sts:AssumeRole"));
      for (const s of assume) expect(s.resources).toEqual(roles);
    }
    expect(permissions.admit.some((s) => s.actions.includes("sts:AssumeRole"))).toBe(false);
  });

  it("refuse an EMQX_CLUSTER_ROLE_ARNS entry that is not one role's ARN (no wildcard, no other service)", async () => {
    vi.stubEnv(
      "EMQX_CLUSTER_ROLE_ARNS",
      "arn:aws:iam::222222222222:role/emqx-prod, arn:aws:iam::333333333333:role/a",
    );
    const { clusterRoleArns } = await import("../../infra/settings.ts");
    expect(clusterRoleArns).toEqual([
      "arn:aws:iam::222222222222:role/emqx-prod",
      "arn:aws:iam::333333333333:role/a",
    ]);
    for (const bad of ["*", "arn:aws:iam::*:role/x", "arn:aws:iam::222222222222:user/x", "arn:aws:s3:::b"]) {
      vi.resetModules();
      vi.stubEnv("EMQX_CLUSTER_ROLE_ARNS", bad);
      await expect(import("../../infra/settings.ts"), bad).rejects.toThrow(/not an IAM role ARN/);
    }
  });
});
