/**
 * The template comparison against the real apiserver's defaulting, the cause of the runaway-StatefulSet bug (a
 * live template that differed from the desired one only by a field the apiserver filled in, so every pass created
 * another set):
 * - the list of defaults core applies is checked against the generated defaulting code of the Kubernetes version
 *   the sandbox is built from (read from the Go module cache the sandbox build filled);
 * - random CRs using every pod-level field are built by core and sent to the sandbox's apiserver as server-side
 *   dry-run applies: what the apiserver would store must compare equal to what we asked for.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { KubeGateway, type KubeObject, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { validateEmqx } from "@emqx-reconciler/api";
import {
  APISERVER_TEMPLATE_DEFAULTS,
  buildCoreSet,
  buildReplicantSet,
  templateDiffPaths,
  templatesDiffer,
} from "@emqx-reconciler/core";
import type { V1PodTemplateSpec } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rand, randomCr, supportObjects } from "./support/randomCr.ts";
import { closeTestbed, freshNamespace, kubectl, openTestbed, type Testbed } from "./support/testbed.ts";

const GO_MOD = join(import.meta.dirname, "../../packages/sandbox/go/go.mod");
/** Random CRs sent as dry runs; each yields a StatefulSet and usually a ReplicaSet. */
const DRY_RUN_CRS = 150;
const SEED = Number(process.env.E2E_SEED ?? 20261202);

/** The generated `SetObjectDefaults_<kind>` function of the pinned Kubernetes, up to its claim templates. */
function generatedDefaulting(kind: "StatefulSet" | "ReplicaSet"): string {
  const version = /^\s*k8s\.io\/kubernetes (v\S+)/m.exec(readFileSync(GO_MOD, "utf8"))?.[1];
  if (!version) throw new Error(`no k8s.io/kubernetes requirement in ${GO_MOD}`);
  const cache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
  const file = join(cache, `k8s.io/kubernetes@${version}`, "pkg/apis/apps/v1/zz_generated.defaults.go");
  if (!existsSync(file))
    throw new Error(`${file} is missing: build the sandbox first (npx emqx-reconciler sandbox build)`);
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(`func SetObjectDefaults_${kind}(`);
  const end = text.indexOf("\n}\n", start);
  const body = text.slice(start, end);
  const claims = body.indexOf("in.Spec.VolumeClaimTemplates");
  return claims > 0 ? body.slice(0, claims) : body;
}

/** What the generated code calls or sets, named as `APISERVER_TEMPLATE_DEFAULTS` names it. */
function defaultsIn(body: string): string[] {
  const calls = [...body.matchAll(/\bapiscorev1\.(SetDefaults_\w+)\(/g)].map((m) => m[1] ?? "");
  const fields = [...body.matchAll(/^\s+[a-z]\.([\w.]+) = /gm)].map((m) =>
    (m[1] ?? "")
      .replace(/^EphemeralContainerCommon\./, "")
      .replace(/^(Liveness|Readiness|Startup)Probe\.ProbeHandler\./, "")
      .replace(/^VolumeSource\./, ""),
  );
  return [...new Set([...calls, ...fields])].sort();
}

let testbed: Testbed;
let ns: string;
let gateway: KubeGateway;

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-defaults");
  gateway = new KubeGateway({ kubeConfig: loadKubeconfigFile(testbed.sandbox.kubeconfigPath) });
  await kubectl(
    testbed,
    ["apply", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "List", items: supportObjects(ns) }),
  );
});

afterAll(async () => {
  await gateway?.close();
  await closeTestbed(testbed, ns);
});

describe("the apiserver's defaulting of pod templates", () => {
  it.each(["StatefulSet", "ReplicaSet"] as const)(
    "every default the generated %s defaulting applies to the template is one core applies",
    (kind) => {
      const generated = defaultsIn(generatedDefaulting(kind));
      expect(generated.length).toBeGreaterThan(20);
      expect(generated.filter((d) => !APISERVER_TEMPLATE_DEFAULTS.includes(d))).toEqual([]);
    },
  );

  it(`a dry-run apply of ${DRY_RUN_CRS} random CRs' sets stores templates equal to the desired ones (seed ${SEED})`, {
    timeout: 180_000,
  }, async () => {
    const rand = new Rand(SEED);
    const mismatches: Array<{ cr: string; kind: string; paths: string[] }> = [];
    let sets = 0;
    for (let i = 0; i < DRY_RUN_CRS; i++) {
      const name = `fuzz-${String(i).padStart(3, "0")}`;
      const everything = i === 0;
      const raw = randomCr(rand, name, ns, { everything, dryRunOnly: true });
      const parsed = validateEmqx({
        ...raw,
        metadata: { ...(raw.metadata as object), uid: `uid-${i}`, generation: 1 },
      });
      if (!parsed.ok) throw new Error(`${name} is invalid: ${JSON.stringify(parsed.issues)}`);
      const desired = [buildCoreSet(parsed.emqx), buildReplicantSet(parsed.emqx)].filter(
        (s) => s !== undefined,
      );
      for (const set of desired) {
        // Owner references name a CR that does not exist; a dry run stores nothing, so nothing dangles.
        const stored = await gateway.apply(set as KubeObject, { dryRun: true });
        sets++;
        const want = set.spec?.template as V1PodTemplateSpec;
        const got = (stored as { spec?: { template?: V1PodTemplateSpec } }).spec?.template ?? {};
        if (templatesDiffer(want, got))
          mismatches.push({ cr: name, kind: set.kind ?? "", paths: templateDiffPaths(want, got) });
      }
    }
    expect(sets).toBeGreaterThan(DRY_RUN_CRS);
    expect(mismatches).toEqual([]);
  });
});
