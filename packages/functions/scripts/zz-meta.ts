import { build } from "esbuild";
import { join } from "node:path";
import { LAMBDA_ESBUILD } from "../src/handlers.ts";
const name = process.argv[2] ?? "reconcile";
const r = await build({ entryPoints: { index: join(import.meta.dirname, "..", "src", `${name}.ts`) }, outdir: `/tmp/cold/meta/${name}`, outExtension: { ".js": ".mjs" }, bundle: true, minify: true, platform: "node", target: "node24", format: "esm", external: ["@aws-sdk/*", "@smithy/*"], ...LAMBDA_ESBUILD, metafile: true, logLevel: "error" });
const entry = Object.entries(r.metafile.outputs).find(([k]) => k.endsWith("index.mjs"))![1];
const byPkg = new Map<string, number>();
const rows = Object.entries(entry.inputs).map(([f, v]) => [f, v.bytesInOutput] as const);
for (const [f, b] of rows) { const m = f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/); const k = m ? m[1] : f.split("/").slice(0, 3).join("/"); byPkg.set(k, (byPkg.get(k) ?? 0) + b); }
console.log([...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, b]) => `${String(b).padStart(8)} ${k}`).join("\n"));
console.log("--- undici files"); console.log(rows.filter(([f]) => f.includes("undici")).sort((a, b) => b[1] - a[1]).slice(0, 15).map(([f, b]) => `${String(b).padStart(8)} ${f}`).join("\n")); console.log("--- our largest files");
console.log(rows.filter(([f]) => !f.includes("node_modules")).sort((a, b) => b[1] - a[1]).slice(0, 25).map(([f, b]) => `${String(b).padStart(8)} ${f}`).join("\n"));
