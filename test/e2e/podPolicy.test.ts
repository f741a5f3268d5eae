/**
 * The restricted pod policy on the sandbox (`run --pod-policy restricted`): a CR asking for a privileged service
 * account, a hostPath volume and a privileged container gets `InvalidSpec` with reason `PodTemplateForbidden` and
 * one Warning Event naming the field paths, and nothing at all is created for it (no Secret, set, Service,
 * ConfigMap, pod). The same CR without those fields then goes to Ready.
 */
import { OWNED_KINDS } from "@emqx-reconciler/adapters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { SEED_SHAPE, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  hasCondition,
  kubectl,
  openTestbed,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

const FORBIDDEN_PATHS = [
  "spec.serviceAccountName",
  "spec.coreTemplate.spec.extraVolumes[0].hostPath",
  "spec.replicantTemplate.spec.extraContainers[0].securityContext.privileged",
];

function forbiddenCr(): object {
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name: "emqx" },
    spec: {
      image: "emqx/emqx:6.0.1",
      serviceAccountName: "node-admin",
      coreTemplate: {
        spec: {
          replicas: 2,
          extraVolumes: [{ name: "host-root", hostPath: { path: "/" } }],
          extraVolumeMounts: [{ name: "host-root", mountPath: "/host" }],
        },
      },
      replicantTemplate: {
        spec: {
          replicas: 3,
          extraContainers: [{ name: "debug", image: "busybox", securityContext: { privileged: true } }],
        },
      },
    },
  };
}

async function warnings(): Promise<Array<{ reason: string; message: string; count?: number }>> {
  const list = JSON.parse(await kubectl(testbed, ["get", "events", "-n", ns, "-o", "json"])) as {
    items: Array<{ type: string; reason: string; message: string; count?: number }>;
  };
  return list.items.filter((e) => e.type === "Warning");
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-pod-policy");
  embedded = await startEmbedded(testbed, ns, { podPolicy: { mode: "restricted", serviceAccounts: [] } });
}, 150_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("a restricted pod policy", () => {
  it("R42 refuses a privileged service account, a hostPath volume and a privileged container: condition, one Warning, nothing created", {
    timeout: 120_000,
  }, async () => {
    await kubectl(testbed, ["apply", "--server-side", "-n", ns, "-f", "-"], stringify(forbiddenCr()));
    const cr = await waitFor("PodTemplateForbidden", async () => {
      const read = await readCr(testbed, ns);
      return hasCondition(read, "InvalidSpec", "PodTemplateForbidden") ? read : undefined;
    });
    await embedded.settle();

    const message = cr.status?.conditions?.find((c) => c.type === "InvalidSpec")?.message ?? "";
    for (const path of FORBIDDEN_PATHS) expect(message).toContain(path);
    const refused = (await warnings()).filter((e) => e.reason === "PodTemplateForbidden");
    expect(refused).toHaveLength(1);
    expect(refused[0]?.count ?? 1).toBe(1);
    for (const path of FORBIDDEN_PATHS) expect(refused[0]?.message).toContain(path);
    const children = await testbed.gateway.listChildren(ns, "emqx");
    for (const kind of OWNED_KINDS) expect(children[kind], kind).toEqual([]);
    expect((await testbed.gateway.list("Pod", { namespace: ns })).items).toEqual([]);
  });

  it("applies the same cluster once the forbidden fields are gone", { timeout: 150_000 }, async () => {
    await kubectl(testbed, [
      "patch",
      "emqx",
      "emqx",
      "-n",
      ns,
      "--type=json",
      "-p",
      JSON.stringify([
        { op: "remove", path: "/spec/serviceAccountName" },
        { op: "remove", path: "/spec/coreTemplate/spec/extraVolumes" },
        { op: "remove", path: "/spec/coreTemplate/spec/extraVolumeMounts" },
        { op: "remove", path: "/spec/replicantTemplate/spec/extraContainers" },
      ]),
    ]);
    await waitForShape(testbed, ns, SEED_SHAPE, undefined, 120_000);
    expect(hasCondition(await readCr(testbed, ns), "InvalidSpec")).toBe(false);
  });
});
