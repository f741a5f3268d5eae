/**
 * The reconciler of `run` as a ServiceAccount holding the repository's RBAC rules (`infra/kubernetes/rbac.yaml`) in
 * one namespace of the sandbox, then with one verb taken away (creating ReplicaSets) in the middle of a blue-green
 * update: the update stops where the refused write is, nothing after it in the pass runs (the old sets are neither
 * scaled down nor deleted), the CR says which write was forbidden with one Warning event, and the update goes on
 * once the verb is granted again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { ConditionType } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments, stringify } from "yaml";
import { convergeSeed, snapshot } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  hasCondition,
  kubectl,
  openTestbed,
  patchCr,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

const RBAC_FILE = join(import.meta.dirname, "../../infra/kubernetes/rbac.yaml");
const ACCOUNT = "reconciler";

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

let testbed: Testbed;
let ns: string;
let dir: string;
let embedded: EmbeddedReconciler;

/** Every rule of the reconciler's ClusterRoles, as the repository ships them. */
function shippedRules(): Rule[] {
  return parseAllDocuments(readFileSync(RBAC_FILE, "utf8"))
    .map((d) => d.toJS() as { kind?: string; rules?: Rule[] })
    .filter((d) => d.kind === "ClusterRole")
    .flatMap((d) => d.rules ?? []);
}

/** The same rules without `create` on ReplicaSets. */
function withoutReplicaSetCreate(rules: Rule[]): Rule[] {
  return rules.flatMap((rule) => {
    if (!rule.apiGroups.includes("apps") || !rule.resources.includes("replicasets")) return [rule];
    const others = rule.resources.filter((r) => r !== "replicasets");
    return [
      ...(others.length > 0 ? [{ ...rule, resources: others }] : []),
      { ...rule, resources: ["replicasets"], verbs: rule.verbs.filter((v) => v !== "create") },
    ];
  });
}

async function grant(rules: Rule[]): Promise<void> {
  const role = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: ACCOUNT, namespace: ns },
    rules,
  };
  await kubectl(testbed, ["apply", "-f", "-"], JSON.stringify(role));
}

/** A kubeconfig for the sandbox's apiserver that authenticates with the ServiceAccount's token. */
async function serviceAccountKubeconfig(): Promise<string> {
  const token = (await kubectl(testbed, ["create", "token", ACCOUNT, "-n", ns, "--duration=1h"])).trim();
  const config = parse(readFileSync(testbed.sandbox.kubeconfigPath, "utf8")) as {
    users: Array<{ name: string; user: Record<string, unknown> }>;
  };
  for (const user of config.users) user.user = { token };
  const path = join(dir, "kubeconfig");
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-forbidden");
  dir = mkdtempSync(join(tmpdir(), "e2e-forbidden-"));
  await kubectl(testbed, ["create", "serviceaccount", ACCOUNT, "-n", ns]);
  await grant(shippedRules());
  await kubectl(testbed, [
    "create",
    "rolebinding",
    ACCOUNT,
    "-n",
    ns,
    `--role=${ACCOUNT}`,
    `--serviceaccount=${ns}:${ACCOUNT}`,
  ]);
  embedded = await startEmbedded(testbed, ns, {
    kubeConfig: loadKubeconfigFile(await serviceAccountKubeconfig()),
  });
  await convergeSeed(testbed, ns);
}, 180_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
  rmSync(dir, { recursive: true, force: true });
});

describe("a verb the reconciler is not granted", { timeout: 150_000 }, () => {
  it("R27 creating ReplicaSets forbidden mid-update: the update stops there, old sets untouched, the CR says why", async () => {
    const before = await snapshot(testbed, ns);
    const oldSets = [...before.statefulSets, ...before.replicaSets].map((s) => [
      s.metadata?.name,
      s.spec?.replicas,
    ]);
    await grant(withoutReplicaSetCreate(shippedRules()));

    await patchCr(testbed, ns, { spec: { image: "emqx/emqx:6.0.2" } });
    const refused = await waitFor("ReconcileFailed for the new ReplicaSet", async () => {
      const cr = await readCr(testbed, ns);
      return hasCondition(cr, ConditionType.ReconcileFailed, "ApplyReplicaSetFailed") ? cr : undefined;
    });
    for (let round = 0; round < 3; round++) await embedded.settle();

    const failed = refused.status?.conditions?.find((c) => c.type === ConditionType.ReconcileFailed);
    expect(failed?.message).toMatch(/403 Forbidden/);
    const during = await snapshot(testbed, ns);
    expect(during.replicaSets.map((s) => [s.metadata?.name, s.spec?.replicas])).toEqual(oldSets.slice(1));
    expect(during.statefulSets).toHaveLength(2);
    const [oldCore] = before.statefulSets;
    const stillOld = during.statefulSets.find((s) => s.metadata?.name === oldCore?.metadata?.name);
    expect(stillOld?.spec?.replicas).toBe(oldCore?.spec?.replicas);
    const events = await testbed.gateway.listEvents(ns, "emqx", "ReconcilerFailed");
    expect(events.map((e) => [e.type, e.count ?? 1])).toEqual([["Warning", 1]]);

    await grant(shippedRules());
    await embedded.settle();
    await waitFor("the new ReplicaSet and ReconcileFailed cleared", async () => {
      const now = await snapshot(testbed, ns);
      const created = now.replicaSets.length === 2;
      return created && !hasCondition(now.cr, ConditionType.ReconcileFailed) ? true : undefined;
    });
  });
});
