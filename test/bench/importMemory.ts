/**
 * What importing the product costs a process: RSS and heap after importing `@emqx-reconciler/adapters`,
 * `@emqx-reconciler/runtime` and the CLI's `run` command in a fresh `node --expose-gc` (after GC), how long the
 * imports took, and which packages they loaded — the check that no Kubernetes client library is loaded at runtime
 * (its types are used, its code is not). Median of `--runs` (default 5). TypeScript sources are type-stripped by
 * Node here (≈ 18 MiB of the RSS); the Lambda bundles are plain JS (packages/functions/scripts/bundle.ts).
 *
 * Run: `node test/bench/importMemory.ts [--runs 5]`. Prints numbers; asserts nothing.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1] ?? 5) || 5;

const PROBE = `
import { registerHooks } from "node:module";
const loaded = [];
if (process.env.PROBE_MODULES) registerHooks({ load(url, ctx, next) { loaded.push(url); return next(url, ctx); } });
const started = performance.now();
await import("@emqx-reconciler/adapters");
await import("@emqx-reconciler/runtime");
await import(${JSON.stringify(join(root, "packages", "cli", "src", "commands", "run.ts"))});
const importMs = performance.now() - started;
globalThis.gc(); await new Promise((r) => setTimeout(r, 100)); globalThis.gc();
const { rss, heapUsed } = process.memoryUsage();
const packages = {};
for (const url of loaded) {
  const name = url.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1] ?? (url.startsWith("node:") ? "node:*" : "workspace");
  packages[name] = (packages[name] ?? 0) + 1;
}
console.log(JSON.stringify({ rss, heapUsed, importMs, packages }));
`;

interface Sample {
  rss: number;
  heapUsed: number;
  importMs: number;
  packages: Record<string, number>;
}

function sample(withModules: boolean): Sample {
  const out = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", PROBE], {
    cwd: root,
    env: { ...process.env, ...(withModules ? { PROBE_MODULES: "1" } : {}) },
    stdio: ["ignore", "pipe", "ignore"],
  });
  return JSON.parse(out.toString()) as Sample;
}

const median = (values: number[]) =>
  values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

const samples = Array.from({ length: runs }, () => sample(false));
const { packages } = sample(true);
const modules = Object.entries(packages).sort((a, b) => b[1] - a[1]);
console.log(
  [
    `Importing adapters + runtime + the CLI's run command (fresh node --expose-gc, median of ${runs}):`,
    `  RSS after GC   ${mib(median(samples.map((s) => s.rss)))}`,
    `  heap used      ${mib(median(samples.map((s) => s.heapUsed)))}`,
    `  import time    ${median(samples.map((s) => s.importMs)).toFixed(0)} ms`,
    `  modules        ${modules.reduce((n, [, c]) => n + c, 0)} (${modules.map(([p, c]) => `${p} ${c}`).join(", ")})`,
    `  client-node    ${packages["@kubernetes/client-node"] ?? 0} modules loaded`,
  ].join("\n"),
);
