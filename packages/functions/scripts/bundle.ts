/**
 * Bundles each handler with esbuild the way Lambda runs it (node24, ESM, minified, AWS SDK external because the
 * runtime ships it) into packages/functions/dist/<name>/index.mjs and prints each bundle's size. Sizes and cold
 * import times beside their goals: `npm run bench -- bundles` (test/bench/bundles.ts).
 *
 * Run: node packages/functions/scripts/bundle.ts
 */
import { rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { HANDLER_NAMES, LAMBDA_ESBUILD } from "../src/handlers.ts";

const root = join(import.meta.dirname, "..");

/** One handler's bundle: the entry Lambda imports and every file of it (entry and chunks). */
export interface HandlerBundle {
  entry: string;
  files: string[];
}

/** Bundles one handler into dist/<name>/ (index.mjs and its chunks). */
export async function bundleHandler(name: string): Promise<HandlerBundle> {
  const outdir = join(root, "dist", name);
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { index: join(root, "src", `${name}.ts`) },
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    minify: true,
    platform: "node",
    target: "node24",
    format: "esm",
    external: ["@aws-sdk/*", "@smithy/*"],
    ...LAMBDA_ESBUILD,
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    metafile: true,
    logLevel: "warning",
  });
  const files = Object.keys(result.metafile.outputs).map((file) => resolve(file));
  return { entry: join(outdir, "index.mjs"), files };
}

/** Bytes of a bundle: all its files, and the entry alone. */
export function bundleBytes(bundle: HandlerBundle): { total: number; entry: number } {
  const total = bundle.files.reduce((sum, file) => sum + statSync(file).size, 0);
  return { total, entry: statSync(bundle.entry).size };
}

if (import.meta.main) {
  const rows: string[] = [];
  for (const name of HANDLER_NAMES) {
    const { total, entry } = bundleBytes(await bundleHandler(name));
    rows.push(`${name.padEnd(10)} ${String(total).padStart(9)} bytes (entry ${entry})`);
  }
  console.log(["Lambda bundles (esbuild, node24, ESM, minified, AWS SDK external):", ...rows].join("\n"));
}
