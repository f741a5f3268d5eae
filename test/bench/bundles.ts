/**
 * The Lambda bundles beside their goals (≤ 1 MB, cold import ≤ 0.15 s per handler): each handler bundled as the
 * infra deploys it (packages/functions/scripts/bundle.ts: ESM, minified, code-split, AWS SDK external because the
 * runtime ships it), its size in bytes (every file: entry and chunks), and its cold import in a fresh `node`
 * process, median of `--runs` (default 7, at least 5): wall time, and the process's CPU time over the same span,
 * which a loaded machine inflates much less. The samples are taken round by round, one of each handler per round,
 * so a burst of load from elsewhere lands on every handler alike instead of on the one measured at that moment; the
 * machine's load average is printed before and after. The handlers import each SDK client's package when they
 * first call it, so the cold import loads none; the last column is the time to import every SDK package the bundle
 * can load (a first invocation pays that only for the clients it calls). Node on this machine, not Lambda's init
 * duration.
 *
 * Run: `npm run bench -- bundles [--runs 7]`. Prints numbers; asserts nothing.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { bundleBytes, bundleHandler } from "../../packages/functions/scripts/bundle.ts";
import { HANDLER_NAMES } from "../../packages/functions/src/handlers.ts";

const args = process.argv.slice(2);
const at = args.indexOf("--runs");
const runs = Math.max(5, at >= 0 ? Number(args[at + 1]) || 7 : 7);

const GOAL_BYTES = 1_000_000;
const GOAL_MS = 150;

interface Sample {
  importMs: number;
  cpuMs: number;
  sdkMs: number;
}

/** One fresh process: the entry's import (wall and CPU), then the import of the SDK packages it loads lazily. */
function sample(entry: string, lazy: readonly string[]): Sample {
  const script = `const c0 = process.cpuUsage(); const t0 = performance.now();
await import(${JSON.stringify(entry)});
const t1 = performance.now(); const c1 = process.cpuUsage(c0);
for (const p of ${JSON.stringify(lazy)}) await import(p);
console.log(JSON.stringify({ importMs: t1 - t0, cpuMs: (c1.user + c1.system) / 1000, sdkMs: performance.now() - t1 }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, AWS_REGION: "eu-west-1" },
  });
  return JSON.parse(out.toString()) as Sample;
}

const median = (values: number[]) =>
  values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const mark = (ok: boolean) => (ok ? "ok  " : "OVER");
const ms = (value: number) => `${value.toFixed(0).padStart(4)} ms`;

const bundles = [];
for (const name of HANDLER_NAMES) {
  const bundle = await bundleHandler(name);
  const text = bundle.files.map((f) => readFileSync(f, "utf8")).join("\n");
  const lazy = [
    ...new Set([...text.matchAll(/import\("(@(?:aws-sdk|smithy)\/[^"]+)"\)/g)].map((m) => m[1])),
  ] as string[];
  bundles.push({ name, bundle, lazy, samples: [] as Sample[] });
}
const loadBefore = loadavg()[0] ?? Number.NaN;
for (let round = 0; round < runs; round++)
  for (const b of bundles) b.samples.push(sample(b.bundle.entry, b.lazy));
const loadAfter = loadavg()[0] ?? Number.NaN;

const rows: string[] = [];
for (const { name, bundle, lazy, samples } of bundles) {
  const { total, entry } = bundleBytes(bundle);
  const wall = median(samples.map((s) => s.importMs));
  const cpu = median(samples.map((s) => s.cpuMs));
  rows.push(
    [
      name.padEnd(10),
      `${String(total).padStart(8)} B ${mark(total <= GOAL_BYTES)}`,
      `(entry ${String(entry).padStart(7)} B, ${bundle.files.length} files)`,
      `${ms(wall)} ${mark(wall <= GOAL_MS)}`,
      `cpu ${ms(cpu)}`,
      `${ms(median(samples.map((s) => s.sdkMs)))}`,
      `(${lazy.map((p) => p.replace(/^@aws-sdk\/client-|^@smithy\//, "")).join(", ")})`,
    ].join("  "),
  );
}
console.log(
  [
    `Lambda bundles (esbuild: node24, ESM, minified, code-split, AWS SDK external); cold import in a fresh node, median of ${runs} rounds; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (${cpus().length} cores)`,
    `handler     size (goal ≤ ${GOAL_BYTES} B)                       cold import (≤ ${GOAL_MS} ms)  cpu       SDK packages it can load on first use`,
    ...rows,
  ].join("\n"),
);
