import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ALLOWED_WORKSPACE_IMPORTS, importViolations, PRODUCT_PACKAGES, scanImports } from "./importRules.ts";

const ROOT = join(import.meta.dirname, "..", "..");

/** Every import of a package's `src`, with repo-relative file names. */
function packageImports(pkg: string) {
  const dir = join(ROOT, "packages", pkg, "src");
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) => {
      const file = join(dir, f);
      return scanImports(relative(ROOT, file), readFileSync(file, "utf8"));
    });
}

describe("Import rules of the workspace", () => {
  it.each(Object.keys(ALLOWED_WORKSPACE_IMPORTS))(
    "%s imports only what its place in the graph allows",
    (pkg) => {
      // Prepare
      const refs = packageImports(pkg);
      // Act
      const problems = importViolations(pkg, refs);
      // Assess
      expect(refs.length).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    },
  );

  it("covers every product package", () => {
    expect(Object.keys(ALLOWED_WORKSPACE_IMPORTS)).toEqual(expect.arrayContaining([...PRODUCT_PACKAGES]));
  });
});

describe("importViolations", () => {
  const check = (pkg: string, file: string, text: string) => importViolations(pkg, scanImports(file, text));

  it("refuses I/O in core: node:fs, undici, an AWS client, the adapters, a dynamic import", () => {
    const file = "packages/core/src/x.ts";
    expect(check("core", file, 'import { readFileSync } from "node:fs";')).toHaveLength(1);
    expect(check("core", file, 'import { request } from "undici";')).toHaveLength(1);
    expect(check("core", file, 'import { SQSClient } from "@aws-sdk/client-sqs";')).toHaveLength(1);
    expect(check("core", file, 'import { KubeGateway } from "@emqx-reconciler/adapters";')).toHaveLength(2);
    expect(check("core", file, 'const net = await import("node:net");')).toHaveLength(1);
  });

  it("lets core hash and use Kubernetes types, but not crypto's randomness or client-node's code", () => {
    const file = "packages/core/src/x.ts";
    expect(check("core", file, 'import { createHash } from "node:crypto";')).toEqual([]);
    expect(
      check("core", file, 'import type {\n  V1Pod,\n  V1Service,\n} from "@kubernetes/client-node";'),
    ).toEqual([]);
    expect(check("core", file, 'import { randomBytes } from "node:crypto";')).toHaveLength(1);
    expect(check("core", file, 'import { KubeConfig } from "@kubernetes/client-node";')).toHaveLength(1);
  });

  it("refuses the sandbox in product code outside the CLI's sandbox verbs", () => {
    const text = 'import { startSandbox } from "@emqx-reconciler/sandbox";';
    expect(check("runtime", "packages/runtime/src/x.ts", text)).toHaveLength(2);
    expect(check("cli", "packages/cli/src/reconciler.ts", text)).toHaveLength(1);
    expect(check("cli", "packages/cli/src/commands/start.ts", text)).toEqual([]);
  });

  it("refuses an import against the direction of the graph, re-exports included", () => {
    expect(
      check("api", "packages/api/src/x.ts", 'export { plan } from "@emqx-reconciler/core";'),
    ).toHaveLength(1);
    expect(
      check("adapters", "packages/adapters/src/x.ts", 'import "@emqx-reconciler/runtime";'),
    ).toHaveLength(1);
    expect(
      check("runtime", "packages/runtime/src/x.ts", 'import { x } from "emqx-reconciler";'),
    ).toHaveLength(1);
  });
});
