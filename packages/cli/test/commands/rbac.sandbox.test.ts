/**
 * The RBAC `emqx-reconciler rbac` prints, applied to the sandbox's apiserver and asked with `kubectl auth can-i`
 * as a member of the bound group: run's Lease is reachable in the served namespace and nowhere else.
 */
import { type Sandbox, useTestSandbox } from "@emqx-reconciler/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderRbac } from "../../src/commands/rbac.ts";

let sandbox: Sandbox;
const namespace = `rbac-${process.pid}`;
const group = `emqx-reconciler-test-${process.pid}`;

beforeAll(async () => {
  sandbox = await useTestSandbox();
  expect((await sandbox.kubectl(["create", "namespace", namespace])).code).toBe(0);
  const applied = await sandbox.kubectl(["apply", "-f", "-"], {
    input: renderRbac({ group, namespaces: [namespace] }),
  });
  expect(applied.code).toBe(0);
}, 60_000);

afterAll(async () => {
  await sandbox?.kubectl(["delete", "namespace", namespace, "--wait=false"]);
});

async function can(verb: string, target: string, ns: string): Promise<string> {
  const asked = await sandbox.kubectl([
    "auth",
    "can-i",
    verb,
    target,
    "-n",
    ns,
    "--as",
    "u",
    "--as-group",
    group,
  ]);
  return asked.stdout.trim();
}

describe("the printed RBAC on a live apiserver", () => {
  it("lets the group create, get and update run's Lease in its namespace, and no other Lease anywhere", async () => {
    expect(await can("create", "leases.coordination.k8s.io", namespace)).toBe("yes");
    expect(await can("get", "leases.coordination.k8s.io/emqx-reconciler", namespace)).toBe("yes");
    expect(await can("update", "leases.coordination.k8s.io/emqx-reconciler", namespace)).toBe("yes");
    expect(await can("update", "leases.coordination.k8s.io/kube-scheduler", namespace)).toBe("no");
    expect(await can("delete", "leases.coordination.k8s.io/emqx-reconciler", namespace)).toBe("no");
    expect(await can("create", "leases.coordination.k8s.io", "kube-system")).toBe("no");
  });
});
