/**
 * The resident memory Node itself needs before any of our code: a bare `node` with the given flags that has served
 * and made one keep-alive HTTP request (what any reconciler talking to an apiserver loads), measured once it has
 * been quiet for a second. The floor under `run`'s idle RSS, printed beside it; {@link libraryCostsMiB} puts the
 * libraries `run` cannot do without on top of it.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

/** The floor's script; `LOAD` (an expression giving a promise) runs first. */
const SCRIPT = (load: string) => `
const http = require("node:http");
Promise.resolve(${load}).then(() => { const server = http.createServer((req, res) => res.end("ok")).listen(0, "127.0.0.1", () => {
  const agent = new http.Agent({ keepAlive: true });
  http.get({ host: "127.0.0.1", port: server.address().port, agent }, (res) => {
    res.resume();
    res.on("end", () => setTimeout(() => {
      const status = require("node:fs").readFileSync("/proc/self/status", "utf8");
      const kb = (f) => Number(new RegExp(f + ":\\\\s+(\\\\d+)").exec(status)[1]);
      console.log(JSON.stringify({ rss: kb("VmRSS") / 1024, anon: kb("RssAnon") / 1024 }));
      process.exit(0);
    }, 1000));
  });
}); });`;

/** Resident memory in MiB: all of it (`VmRSS`) and the process's own pages (`RssAnon`). */
export interface Resident {
  rss: number;
  anon: number;
}

/**
 * Median {@link Resident} of `runs` bare Node processes started with `flags`, each first running `load` (a
 * JavaScript expression; its promise is awaited).
 */
export async function nodeFloorMiB(
  flags: readonly string[],
  runs = 3,
  load = "undefined",
): Promise<Resident> {
  const samples: Resident[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, [...flags, "-e", SCRIPT(load)]);
    samples.push(JSON.parse(stdout) as Resident);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return { rss: median(samples.map((s) => s.rss)), anon: median(samples.map((s) => s.anon)) };
}

/** esbuild's metafile: each output file with the input files that went into it. */
export interface BundleMeta {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/**
 * The bundle's chunks holding the code of npm package `name` (paths relative to the build's working directory):
 * imported, they load what `run` loads of it, tree-shaken as it is there. Throws when none does.
 */
export function chunksOf(meta: BundleMeta, name: string): string[] {
  const chunks = Object.entries(meta.outputs)
    .filter(
      ([out, { inputs }]) =>
        out.endsWith(".js") && Object.keys(inputs).some((i) => i.includes(`node_modules/${name}/`)),
    )
    .map(([out]) => out);
  if (chunks.length === 0) throw new Error(`no chunk of the bundle holds ${name}`);
  return chunks;
}

/** What loading one library (or all three) adds to Node's floor. */
export type LibraryCost = { name: string } & Resident;

/**
 * What `run` pays for what it cannot do without, each loaded on its own on top of {@link nodeFloorMiB}: the
 * bundle's chunks of `yaml` (kubeconfig files) and of `zod` (the CR's schema), `node:crypto` (SHA-256 of pod
 * templates; over https it is loaded for TLS anyway), then all three. Megabytes of `VmRSS` and `RssAnon` above
 * `floor` (measured with the same `flags`). `meta` is the bundle's metafile, `buildDir` the working directory of
 * that build.
 */
export async function libraryCostsMiB(
  flags: readonly string[],
  floor: Resident,
  meta: BundleMeta,
  buildDir: string,
): Promise<LibraryCost[]> {
  const importAll = (chunks: string[]) =>
    `Promise.all(${JSON.stringify(chunks.map((c) => join(buildDir, c)))}.map((c) => import(c)))`;
  const loads: Array<[string, string]> = [
    ["yaml", importAll(chunksOf(meta, "yaml"))],
    ["zod", importAll(chunksOf(meta, "zod"))],
    ["node:crypto", 'process.getBuiltinModule("node:crypto").createHash("sha256").update("x").digest()'],
  ];
  loads.push(["all three", `Promise.all([${loads.map(([, load]) => load).join(", ")}])`]);
  const costs: LibraryCost[] = [];
  for (const [name, load] of loads) {
    const loaded = await nodeFloorMiB(flags, 3, load);
    costs.push({ name, rss: loaded.rss - floor.rss, anon: loaded.anon - floor.anon });
  }
  return costs;
}
