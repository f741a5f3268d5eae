/** `emqx-reconciler plan` run as a user runs it: a real CLI process, its output, its exit code. */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

const ROOT = join(import.meta.dirname, "..", "..", "..", "..");
const MAIN = join(ROOT, "packages", "cli", "src", "main.ts");
const SEED = join(ROOT, "examples", "emqx-core-replicant.yaml");
let dir: string;

interface Child {
  kind: string;
  metadata: { name: string };
  spec?: { replicas?: number; type?: string; selector?: Record<string, string> };
  stringData?: Record<string, string>;
}

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MAIN, "plan", ...args]);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

/** Writes a variant of the seed example and returns its path. */
function seedVariant(name: string, edit: (text: string) => string): string {
  const path = join(dir, name);
  writeFileSync(path, edit(readFileSync(SEED, "utf8")));
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "plan-test-"));
});

describe("emqx-reconciler plan -f <seed example>", () => {
  it("prints every child of the steady state, in order, as a YAML stream", async () => {
    const result = await cli("-f", SEED);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const children = parseAllDocuments(result.stdout).map((d) => d.toJS() as Child);
    expect(children.map((c) => `${c.kind} ${c.metadata.name.replace(/-[a-z0-9]{10}$/, "-<hash>")}`)).toEqual([
      "Secret emqx-bootstrap-api-key",
      "Secret emqx-node-cookie",
      "ConfigMap emqx-configs",
      "Service emqx-headless",
      "StatefulSet emqx-core-<hash>",
      "ReplicaSet emqx-replicant-<hash>",
      "PodDisruptionBudget emqx-core",
      "PodDisruptionBudget emqx-replicant",
      "Service emqx-dashboard",
      "Service emqx-listeners",
    ]);
    const byKindName = (kind: string, prefix: string) =>
      children.find((c) => c.kind === kind && c.metadata.name.startsWith(prefix));
    expect(byKindName("StatefulSet", "emqx-core")?.spec?.replicas).toBe(2);
    expect(byKindName("ReplicaSet", "emqx-replicant")?.spec?.replicas).toBe(3);
    expect(byKindName("Service", "emqx-dashboard")?.spec?.type).toBe("LoadBalancer");
    expect(byKindName("Service", "emqx-headless")?.spec).toMatchObject({ clusterIP: "None" });
    expect(byKindName("Service", "emqx-listeners")?.spec?.selector).toMatchObject({
      "apps.emqx.io/db-role": "replicant",
    });
    expect(result.stdout).not.toMatch(/[&*]a\d/); // no YAML anchors: every object stands alone for kubectl
  });

  it("shows random values as a placeholder, so the output is the same on every run", async () => {
    const [first, second] = await Promise.all([cli("-f", SEED), cli("-f", SEED, "-o", "yaml")]);
    expect(second.stdout).toBe(first.stdout);
    const secrets = parseAllDocuments(first.stdout)
      .map((d) => d.toJS() as Child)
      .filter((c) => c.kind === "Secret");
    expect(secrets.map((s) => s.stringData)).toEqual([
      { bootstrap_api_key: "emqx-operator-controller:<generated at creation>" },
      { node_cookie: "<generated at creation>" },
    ]);
  });

  it("prints one JSON array with -o json, the same objects as the YAML stream", async () => {
    const [json, yaml] = await Promise.all([cli("-f", SEED, "-o", "json"), cli("-f", SEED)]);
    expect(json.code).toBe(0);
    const array = JSON.parse(json.stdout) as Child[];
    expect(array).toEqual(parseAllDocuments(yaml.stdout).map((d) => d.toJS()));
  });

  it("reads the CR from stdin with -f -", async () => {
    const child = execFile(process.execPath, [MAIN, "plan", "-f", "-", "-o", "json"]);
    child.stdin?.end(readFileSync(SEED));
    let stdout = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as Child[]).length).toBe(10);
  });
});

describe("emqx-reconciler plan -f with a user env entry named like the operator's", () => {
  it("prints one entry per name, the user's value at the operator's place: exactly what is applied", async () => {
    const path = seedVariant("dup-env.yaml", (t) =>
      t.replace(
        "      replicas: 2\n",
        "      replicas: 2\n      env:\n        - name: EMQX_CLUSTER__DNS__RECORD_TYPE\n          value: a\n",
      ),
    );
    const { stdout, code } = await cli("-f", path, "-o", "json");
    expect(code).toBe(0);
    const core = (JSON.parse(stdout) as Array<Child & { spec?: { template?: unknown } }>).find(
      (c) => c.kind === "StatefulSet",
    );
    const template = core?.spec?.template as {
      spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> };
    };
    const env = template.spec.containers[0]?.env ?? [];
    const named = env.filter((e) => e.name === "EMQX_CLUSTER__DNS__RECORD_TYPE");
    expect(named).toEqual([{ name: "EMQX_CLUSTER__DNS__RECORD_TYPE", value: "a" }]);
    expect(env.map((e) => e.name).indexOf("EMQX_CLUSTER__DNS__RECORD_TYPE")).toBe(
      env.map((e) => e.name).indexOf("EMQX_CLUSTER__DISCOVERY_STRATEGY") + 1,
    );
  });
});

describe("emqx-reconciler plan with bad input", () => {
  it("exits 1 with one line per invalid field, naming the field and the rule", async () => {
    const path = seedVariant("invalid.yaml", (t) =>
      t.replace("replicas: 2", "replicas: 101").replace("replicas: 3", "replicas: -1"),
    );
    const result = await cli("-f", path);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines).toContain(
      `${path}: spec.coreTemplate.spec.replicas: replicas must be at most 100 (the reconciler's maxReplicas limit)`,
    );
    expect(lines).toContain(`${path}: spec.replicantTemplate.spec.replicas: replicas must be 0 or more`);
  });

  it("exits 1 naming the line and column of config.data for invalid HOCON", async () => {
    const path = seedVariant("hocon.yaml", (t) => t.replace('key = "evaluation"', "key = = evaluation"));
    const result = await cli("-f", path);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\S+hocon\.yaml: config\.data line 2, column \d+: .+\n$/);
  });

  it("R41 refuses an include in config.data, naming the line, without reading the file", async () => {
    const path = seedVariant("include.yaml", (t) =>
      t.replace('key = "evaluation"', 'include "/etc/hostname"'),
    );
    const result = await cli("-f", path);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/config\.data line 2, column 3: include is not allowed/);
  });

  it("rejects a document of another kind, several documents, and broken YAML", async () => {
    const other = join(dir, "configmap.yaml");
    writeFileSync(other, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    const two = seedVariant("two.yaml", (t) => `${t}---\n${t}`);
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "kind: EMQX\nspec: [1\n");
    const results = await Promise.all([cli("-f", other), cli("-f", two), cli("-f", broken)]);
    expect(results.map((r) => r.code)).toEqual([1, 1, 1]);
    expect(results[0]?.stderr).toBe(
      `${other}: expected kind EMQX (apps.emqx.io/v2beta1), found kind ConfigMap\n`,
    );
    expect(results[1]?.stderr).toBe(`${two}: expected one YAML document (an EMQX), found 2\n`);
    expect(results[2]?.stderr).toMatch(/^\S+broken\.yaml: invalid YAML: line \d+, column \d+: /);
  });

  it("exits 2 for usage errors and 1 for a missing file, one line each, no stack", async () => {
    const missing = await cli("-f", join(dir, "absent.yaml"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `emqx-reconciler: plan: cannot read ${join(dir, "absent.yaml")}: no such file\n`,
    );
    const noFile = await cli();
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toBe("emqx-reconciler: plan: -f <cr.yaml> is required\n");
    const badFormat = await cli("-f", SEED, "-o", "xml");
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toBe("emqx-reconciler: plan: -o must be yaml or json, got 'xml'\n");
  });

  it("passes its last error line through the redaction layer", async () => {
    const quoted = await cli("-f", join(dir, "password=canary-cli-4e1f"));
    expect(quoted.code).toBe(1);
    expect(quoted.stderr).toContain("password=[REDACTED]");
    expect(quoted.stderr).not.toContain("canary-cli-4e1f");
  });

  it("explains in --help that it prints the steady state", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("This is the steady state.");
  });
});
