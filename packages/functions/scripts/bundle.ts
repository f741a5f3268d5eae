/**
 * Bundles each handler with esbuild the way Lambda runs it (node24, ESM, minified, AWS SDK external because the
 * runtime ships it) into packages/functions/dist/<name>/index.mjs, then prints each bundle's size and its cold
 * import time in a fresh Node process (median of `--runs`, default 5). Node on this machine, not Lambda: compare
 * handlers with each other, not with Lambda's init duration.
 *
 * Run: node packages/functions/scripts/bundle.ts [--runs 5] [--no-measure]
 */
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { HANDLER_NAMES } from "../src/handlers.ts";

const root = join(import.meta.dirname, "..");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1] ?? 5) || 5;

/** Bundles one handler; returns the output file. */
export async function bundleHandler(name: string): Promise<string> {
  const outfile = join(root, "dist", name, "index.mjs");
  await build({
    entryPoints: [join(root, "src", `${name}.ts`)],
    outfile,
    bundle: true,
    minify: true,
    platform: "node",
    target: "node24",
    format: "esm",
    external: ["@aws-sdk/*", "@smithy/*"],
    // undici skips its second (experimental) HTTP/1 parser when this is defined, as Node's own build of it does.
    define: { esbuildDetection: "true" },
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: "warning",
  });
  return outfile;
}

function coldImportMs(file: string): number {
  const script = `const t=performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now()-t)`;
  const times = Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], {
        env: { ...process.env, AWS_REGION: "eu-west-1" },
      }),
    ),
  );
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.NaN;
}

const rows: string[] = [];
for (const name of HANDLER_NAMES) {
  const file = await bundleHandler(name);
  const kib = (statSync(file).size / 1024).toFixed(0);
  const cold = args.includes("--no-measure")
    ? ""
    : `, cold import ${coldImportMs(file).toFixed(0)} ms (median of ${runs})`;
  rows.push(`${name.padEnd(10)} ${kib.padStart(5)} KiB${cold}`);
}
console.log(["Lambda bundles (esbuild, node24, ESM, minified, AWS SDK external):", ...rows].join("\n"));
