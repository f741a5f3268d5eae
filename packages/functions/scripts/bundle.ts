/**
 * Bundles each handler with esbuild the way Lambda runs it (node24, ESM, minified, AWS SDK external because the
 * runtime ships it) into packages/functions/dist/<name>/index.mjs and prints each bundle's size. Sizes and cold
 * import times beside their goals: `npm run bench -- bundles` (test/bench/bundles.ts).
 *
 * Run: node packages/functions/scripts/bundle.ts
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { HANDLER_NAMES } from "../src/handlers.ts";

const root = join(import.meta.dirname, "..");

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

if (import.meta.main) {
  const rows: string[] = [];
  for (const name of HANDLER_NAMES) {
    const size = statSync(await bundleHandler(name)).size;
    rows.push(`${name.padEnd(10)} ${String(size).padStart(9)} bytes`);
  }
  console.log(["Lambda bundles (esbuild, node24, ESM, minified, AWS SDK external):", ...rows].join("\n"));
}
