/**
 * `npm run chaos -- --seed N --ops K`: the seeded chaos suite on a sandbox of its own (see docs/chaos.md).
 *   --seed N                 the op list is a pure function of it (default: from the clock, printed)
 *   --ops K                  operations, quiet periods not counted (default 40)
 *   --replay <file>          the ops of a saved failing run instead of a generated list
 *   --quiet-bound-s S        longest wait for convergence before a CR counts as stuck (default 180)
 *   --no-apiserver-restart   leave kube-apiserver restarts out of the generated ops
 *   --pod-start-delay-ms M   the sandbox's pod start delay (default 0: pods start at once)
 *   --keep-going             go on after a failed quiet period (long runs), still exiting 1 at the end
 * Prints one line per op and a summary; on failure also the seed, the op log and a replay file, and exits 1.
 */
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { restartSandboxProcess } from "@emqx-reconciler/sandbox";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import { createNamespace, openBenchSandbox, sleep } from "../e2e/support/benchKit.ts";
import { type ChaosOp, generateOps } from "./ops.ts";
import { runChaos, summarize } from "./session.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    ops: { type: "string", default: "40" },
    replay: { type: "string" },
    "quiet-bound-s": { type: "string", default: "180" },
    "no-apiserver-restart": { type: "boolean", default: false },
    "pod-start-delay-ms": { type: "string", default: "0" },
    "keep-going": { type: "boolean", default: false },
  },
});

function whole(flag: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`chaos: --${flag} must be a whole number ≥ ${min}, got '${text}'\n`);
    process.exit(2);
  }
  return n;
}

let seed = values.seed === undefined ? Date.now() % 1_000_000 : whole("seed", values.seed, 0);
let ops: ChaosOp[];
if (values.replay) {
  const saved = JSON.parse(await readFile(values.replay, "utf8")) as { seed: number; ops: ChaosOp[] };
  seed = saved.seed;
  ops = saved.ops;
} else {
  const count = whole("ops", values.ops, 1);
  ops = generateOps(seed, { count, apiserverRestart: !values["no-apiserver-restart"] });
}
const quietBoundMs = whole("quiet-bound-s", values["quiet-bound-s"], 10) * 1000;
console.log(
  `chaos: seed ${seed}, ${ops.filter((o) => o.kind !== "quiet").length} ops (replay: --seed ${seed})`,
);

const bench = await openBenchSandbox("chaos", {
  podStartDelayMs: whole("pod-start-delay-ms", values["pod-start-delay-ms"], 0),
});
const { sandbox, observer } = bench;
let failed = true;
try {
  await createNamespace(bench, "chaos");
  const restartApiserver = async () => {
    await restartSandboxProcess(sandbox.name, "kube-apiserver");
    const deadline = Date.now() + 120_000;
    while (!(await observer.get("Namespace", undefined, "chaos").catch(() => undefined))) {
      if (Date.now() > deadline) throw new Error("kube-apiserver did not serve again within 120 s");
      await sleep(250);
    }
  };
  const report = await runChaos({
    sandbox,
    observer,
    emulator: await EmulatorAdmin.fromStateDir(sandbox.stateDir),
    namespace: "chaos",
    seed,
    ops,
    quietBoundMs,
    print: (line) => console.log(line),
    reconcilerLog: join(tmpdir(), `chaos-seed-${seed}.reconciler.log`),
    restartApiserver,
    keepGoing: values["keep-going"],
  });
  for (const line of summarize(report)) console.log(line);
  failed = report.failures.length > 0;
  if (failed) {
    const file = join(tmpdir(), `chaos-seed-${seed}.json`);
    await writeFile(file, `${JSON.stringify({ seed, ops }, null, 1)}\n`);
    console.log(`\nseed ${seed} failed; op log:\n${report.opLog.join("\n")}`);
    console.log(`replay: npm run chaos -- --replay ${file}   (or --seed ${seed} --ops ${report.ops})`);
  }
} finally {
  await bench.close();
}
process.exitCode = failed ? 1 : 0;
