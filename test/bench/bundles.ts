/**
 * The Lambda bundles beside their goals: each handler bundled as Lambda runs it (packages/functions/scripts/bundle.ts),
 * its size in bytes, and its cold import in a fresh `node` process (median of `--runs`, default 7). The AWS SDK is
 * external (the Lambda runtime ships it) and the handlers import each client's package when they first call it, so
 * the cold import loads none; the last column is the time to import every SDK package the bundle can load, which a
 * first invocation pays for the clients it actually calls. Node on this machine, not Lambda's init duration:
 * compare handlers and runs with each other.
 *
 * Run: `npm run bench -- bundles [--runs 7]`. Prints numbers; asserts nothing.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { bundleHandler } from "../../packages/functions/scripts/bundle.ts";
import { HANDLER_NAMES } from "../../packages/functions/src/handlers.ts";

const args = process.argv.slice(2);
const at = args.indexOf("--runs");
const runs = Math.max(5, at >= 0 ? Number(args[at + 1]) || 7 : 7);

const GOAL_BYTES = 1_000_000;
const GOAL_MS = 150;

/** One fresh process: the bundle's import time, then the time to import the SDK packages it loads lazily. */
function sample(file: string, lazy: readonly string[]): { importMs: number; sdkMs: number } {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(file)}); const t1 = performance.now();
for (const p of ${JSON.stringify(lazy)}) await import(p);
console.log(JSON.stringify({ importMs: t1 - t0, sdkMs: performance.now() - t1 }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, AWS_REGION: "eu-west-1" },
    cwd: process.cwd(),
  });
  return JSON.parse(out.toString()) as { importMs: number; sdkMs: number };
}

const median = (values: number[]) =>
  values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const verdict = (ok: boolean) => (ok ? "ok " : "OVER");

const rows: string[] = [];
for (const name of HANDLER_NAMES) {
  const file = await bundleHandler(name);
  const bytes = statSync(file).size;
  const lazy = [
    ...new Set(
      [...readFileSync(file, "utf8").matchAll(/import\("(@(?:aws-sdk|smithy)\/[^"]+)"\)/g)].map((m) => m[1]),
    ),
  ] as string[];
  const samples = Array.from({ length: runs }, () => sample(file, lazy));
  const importMs = median(samples.map((s) => s.importMs));
  const sdkMs = median(samples.map((s) => s.sdkMs));
  rows.push(
    [
      name.padEnd(10),
      `${String(bytes).padStart(9)} B ${verdict(bytes <= GOAL_BYTES)}`,
      `${importMs.toFixed(0).padStart(5)} ms ${verdict(importMs <= GOAL_MS)}`,
      `${sdkMs.toFixed(0).padStart(5)} ms  (${lazy.map((p) => p.replace(/^@aws-sdk\/client-|^@smithy\//, "")).join(", ")})`,
    ].join("  "),
  );
}
console.log(
  [
    `Lambda bundles (esbuild, node24, ESM, minified, AWS SDK external; cold import: fresh node, median of ${runs}):`,
    `handler     size (goal ≤ ${GOAL_BYTES} B)  cold import (goal ≤ ${GOAL_MS} ms)  SDK packages on first use`,
    ...rows,
  ].join("\n"),
);
