/**
 * The import rules of the workspace, as data and a checker: dependencies point one way (api ← core ← runtime,
 * api ← adapters ← runtime ← functions/cli), product code never reaches the sandbox, and core stays pure (no
 * I/O module, only `createHash` from `node:crypto` for the operator's pod-template hash).
 */

/** One import or re-export of a source file. `typeOnly`: `import type` / `export type`, erased at run time. */
export interface ImportRef {
  readonly file: string;
  readonly specifier: string;
  readonly clause: string;
  readonly typeOnly: boolean;
}

/** The packages whose code ships (the sandbox is for development and tests only). */
export const PRODUCT_PACKAGES = ["api", "core", "adapters", "runtime", "functions", "cli"] as const;

/** Which workspace packages each package may import: the one-way dependency graph. */
export const ALLOWED_WORKSPACE_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  api: [],
  core: ["api"],
  adapters: ["api"],
  runtime: ["api", "core", "adapters"],
  functions: ["api", "adapters", "runtime"],
  cli: ["api", "core", "adapters", "runtime", "sandbox"],
  sandbox: ["api", "core"],
};

/**
 * The CLI files that may import the sandbox: the `sandbox` and `start` verbs and the `--sandbox` flag of `run`,
 * `plan --live` and `status` (resolved in `kubeTarget.ts`) are the sandbox's front door. Nothing on the reconcile
 * path may.
 */
export const SANDBOX_FRONT_DOOR = [
  "packages/cli/src/commands/sandbox.ts",
  "packages/cli/src/commands/start.ts",
  "packages/cli/src/commands/run.ts",
  "packages/cli/src/kubeTarget.ts",
] as const;

/** What core may import besides its own files: the contract, Kubernetes types (erased), and hashing. */
const CORE_EXTERNALS: ReadonlyArray<{ specifier: string; ok: (ref: ImportRef) => boolean }> = [
  { specifier: "@emqx-reconciler/api", ok: () => true },
  { specifier: "@kubernetes/client-node", ok: (ref) => ref.typeOnly },
  { specifier: "node:crypto", ok: (ref) => /^\{\s*createHash\s*\}$/.test(ref.clause) },
];

const STATIC = /\b(import|export)\s+(type\s+)?([^;()"'`]*?)\s*from\s*"([^"]+)"/g;
const BARE = /^\s*import\s+"([^"]+)"/gm;
const DYNAMIC = /\bimport\(\s*"([^"]+)"\s*\)/g;

/**
 * The imports and re-exports of one TypeScript source text.
 * @example scanImports("a.ts", 'import type { X } from "y";') // [{ file: "a.ts", specifier: "y", clause: "{ X }", typeOnly: true }]
 */
export function scanImports(file: string, text: string): ImportRef[] {
  const refs: ImportRef[] = [];
  for (const m of text.matchAll(STATIC))
    refs.push({ file, specifier: m[4] ?? "", clause: (m[3] ?? "").trim(), typeOnly: m[2] !== undefined });
  for (const m of text.matchAll(BARE))
    refs.push({ file, specifier: m[1] ?? "", clause: "", typeOnly: false });
  for (const m of text.matchAll(DYNAMIC))
    refs.push({ file, specifier: m[1] ?? "", clause: "", typeOnly: false });
  return refs;
}

/** The workspace package a specifier names (`@emqx-reconciler/core` → `core`, the CLI's `emqx-reconciler` → `cli`). */
function workspacePackage(specifier: string): string | undefined {
  if (specifier === "emqx-reconciler" || specifier.startsWith("emqx-reconciler/")) return "cli";
  return /^@emqx-reconciler\/([^/]+)/.exec(specifier)?.[1];
}

/** Every broken rule among `refs` of package `pkg`'s source files, one line each; empty when all hold. */
export function importViolations(pkg: string, refs: readonly ImportRef[]): string[] {
  const problems: string[] = [];
  const allowed = ALLOWED_WORKSPACE_IMPORTS[pkg] ?? [];
  for (const ref of refs) {
    const target = workspacePackage(ref.specifier);
    const where = `${ref.file}: ${ref.specifier}`;
    if (target && target !== pkg && !allowed.includes(target))
      problems.push(`${where} (${pkg} may import only ${allowed.join(", ") || "no workspace package"})`);
    if (
      target === "sandbox" &&
      pkg !== "sandbox" &&
      !(SANDBOX_FRONT_DOOR as readonly string[]).includes(ref.file)
    )
      problems.push(`${where} (product code must not use the sandbox)`);
    if (pkg === "core" && !ref.specifier.startsWith(".")) {
      const rule = CORE_EXTERNALS.find((r) => r.specifier === ref.specifier);
      if (!rule?.ok(ref)) problems.push(`${where} (core is pure: no I/O, no runtime library)`);
    }
  }
  return problems;
}
