/**
 * Bundles the CLI into plain JavaScript with esbuild: packages/cli/dist/main.js plus one file per verb in
 * dist/commands/ (split, so a verb still loads only what it calls) and shared chunks. A long-running `run` from
 * the bundle holds far less memory than from the TypeScript sources: Node strips types with a WebAssembly
 * compiler it loads on the first `.ts` file and keeps (a 3.6 MiB source string, its wasm memory and code), and
 * each stripped module keeps its source; the bundle is minified and tree-shaken. The sandbox package stays
 * outside the bundle (it is a dev tool that finds its Go module and emulator next to its sources), so `--sandbox`
 * loads it from the workspace as before. Verbs that read repository files (`rbac`, `start`) find them from
 * dist/commands/ as from src/commands/ (same depth).
 *
 * Run: `npm run bundle -w emqx-reconciler`, then `packages/cli/dist/main.js run …` (its `#!` line passes
 * {@link RUN_NODE_FLAGS}), or `node <those flags> packages/cli/dist/main.js run …`.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";

const root = join(import.meta.dirname, "..");

/**
 * Node flags a long-running `run` wants, written into the bundle's `#!` line:
 * - `--max-semi-space-size=8`: new-space semi-spaces grow to 8 MiB at most (V8's default is 16). They start at
 *   1 MiB and grow only while a burst allocates, so the idle process holds the same either way (after one and after
 *   ten seed CRs: 57.4 / 63.8 MiB with 8, 57.7 / 63.9 with 1), while a cap of 1 MiB made fifty seed CRs at once
 *   cost 9.3–12.7 CPU seconds instead of 8.6–9.0 (more scavenges, more objects promoted and collected again).
 * - `--optimize-for-size --no-turbofan --no-maglev --no-sparkplug`: V8 with a heap sized for memory rather than
 *   speed and without its optimizing and baseline compilers, so no optimized code is kept and the compilers' own
 *   code in the Node executable is never paged in. The reconciler's work is JSON and HTTP (native either way) and
 *   small pure functions. Ten seed CRs from apply to Ready: the idle process then holds 70 MiB instead of 108
 *   (the old generation shrinks back to what is live), for 3.2 CPU seconds instead of 2.5 on the loaded 2-core
 *   machine. `--lite-mode` saves the same but also turns WebAssembly off, which the verbs that load the sandbox's
 *   TypeScript sources (`start`, `sandbox`, `run --sandbox`) need to strip types.
 * Measured by `npm run bench -- rss` (see README, Performance).
 */
export const RUN_NODE_FLAGS = [
  "--max-semi-space-size=8",
  "--optimize-for-size",
  "--no-turbofan",
  "--no-maglev",
  "--no-sparkplug",
] as const;

/**
 * Node's built-in modules read from `process.getBuiltinModule` instead of imported as ES modules. Importing a
 * built-in as an ES module builds its namespace, which reads every export, lazy ones included: `node:fs` loads
 * `fs/promises` with readline and the stream modules, `node:util` loads `worker_threads` and the assertion diff,
 * `node:crypto` loads WebCrypto. Here each export a module imports is a side-effect-free module of its own
 * (`export const value = process.getBuiltinModule("node:fs").readFileSync`), bundled into the chunks that use it,
 * so a verb reads only the exports its own code imports. A `require` (in a CommonJS dependency) stays external:
 * it returns the same CommonJS object at run time.
 */
const builtinsAsObjects: Plugin = {
  name: "builtins-as-objects",
  setup(pluginBuild) {
    const names = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    pluginBuild.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      if (!names.has(args.path)) return undefined;
      if (args.kind === "require-call") return { path: args.path, external: true };
      // Dependencies get exports of their own: esbuild wraps a dependency's module graph to be run on first use
      // (when CommonJS code requires it), and a wrapped built-in would read every export some dependency imports.
      const owner = args.importer.includes("/node_modules/") ? "dependency" : "ours";
      return { path: `${args.path}#${owner}`, namespace: "node-builtin", sideEffects: false };
    });
    pluginBuild.onResolve({ filter: /.*/, namespace: "node-builtin" }, (args) => ({
      path: args.path,
      namespace: "node-builtin-export",
      sideEffects: false,
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => {
      const builtin = args.path.split("#")[0] as string;
      const exportNames = Object.keys(process.getBuiltinModule(builtin) ?? {}).filter(
        (name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== "default",
      );
      const lines = [
        `export { value as default } from ${JSON.stringify(`${args.path}#`)};`,
        ...exportNames.map(
          (name) => `export { value as ${name} } from ${JSON.stringify(`${args.path}#${name}`)};`,
        ),
      ];
      return { contents: lines.join("\n"), loader: "js" };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: "node-builtin-export" }, (args) => {
      const [builtin, , name] = args.path.split("#") as [string, string, string];
      const read = `process.getBuiltinModule(${JSON.stringify(builtin)})${name ? `[${JSON.stringify(name)}]` : ""}`;
      return { contents: `export const value = ${read};`, loader: "js" };
    });
  },
};

/** Builds dist/; resolves with the entry file. */
export async function bundleCli(): Promise<string> {
  const commands = readdirSync(join(root, "src", "commands"))
    .filter((f) => f.endsWith(".ts") && f !== "index.ts")
    .map((f) => join(root, "src", "commands", f));
  const { metafile } = await build({
    entryPoints: [join(root, "src", "main.ts"), ...commands],
    outdir: join(root, "dist"),
    outbase: join(root, "src"),
    bundle: true,
    splitting: true,
    minify: true,
    platform: "node",
    target: "node24",
    format: "esm",
    external: ["@emqx-reconciler/sandbox", "@emqx-reconciler/sandbox/*"],
    plugins: [builtinsAsObjects],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: "warning",
    metafile: true,
  });
  // Which inputs went into which chunk, for the memory benchmark's cost of each bundled library.
  writeFileSync(join(root, "dist", "meta.json"), JSON.stringify(metafile));
  const main = join(root, "dist", "main.js");
  const body = readFileSync(main, "utf8").replace(/^#!.*\n/, "");
  writeFileSync(main, `#!/usr/bin/env -S node ${RUN_NODE_FLAGS.join(" ")}\n${body}`);
  return main;
}

if (import.meta.main) console.log(`bundled the CLI into ${await bundleCli()}`);
