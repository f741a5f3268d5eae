/**
 * The chaos suite's CI share: fixed seeds, short op lists, on the test run's shared sandbox (so no kube-apiserver
 * restarts: every other test file talks to the same apiserver; `npm run chaos` has them). Each seed drives its own
 * CR in its own namespace with `emqx-reconciler run` as a child process, and every quiet period must converge
 * with every invariant holding: children == spec, status == EMQX, no old set growing, no orphan, no secret seen.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { generateOps } from "../chaos/ops.ts";
import { runChaos, summarize } from "../chaos/session.ts";
import { closeTestbed, freshNamespace, openTestbed, type Testbed } from "./support/testbed.ts";

const SEEDS = [1, 2];
const OPS_PER_SEED = 15;

let testbed: Testbed;
const namespaces: string[] = [];

beforeAll(async () => {
  testbed = await openTestbed();
});

afterAll(async () => {
  for (const ns of namespaces.slice(1))
    await testbed?.sandbox.kubectl(["delete", "namespace", ns, "--wait=false"]);
  await closeTestbed(testbed, namespaces[0]);
});

describe("chaos", () => {
  for (const seed of SEEDS)
    it(`seed ${seed}: ${OPS_PER_SEED} ops, every invariant holds after every quiet period`, {
      timeout: 420_000,
    }, async ({ expect }) => {
      const namespace = await freshNamespace(testbed, `e2e-chaos-${seed}`);
      namespaces.push(namespace);
      const ops = generateOps(seed, { count: OPS_PER_SEED, apiserverRestart: false });
      const lines: string[] = [];
      const report = await runChaos({
        sandbox: testbed.sandbox,
        observer: testbed.gateway,
        emulator: testbed.emulator,
        namespace,
        seed,
        ops,
        quietBoundMs: 120_000,
        // `.ci/run` prints this file last when the run fails: the end of a CI log is what stays readable.
        diagnosisFile: join(tmpdir(), `emqx-reconciler-chaos-seed-${seed}.diagnosis.txt`),
        print: (line) => {
          lines.push(line);
          process.stdout.write(`chaos seed ${seed} ${line}\n`);
        },
      });
      const summary = summarize(report);
      process.stdout.write(`${summary.join("\n")}\n`);
      expect(report.failures, [...lines, ...summary].join("\n")).toEqual([]);
      expect(report.ops).toBe(OPS_PER_SEED);
      expect(report.quietPeriods).toBe(ops.filter((o) => o.kind === "quiet").length);
      expect(report.convergenceMs).toHaveLength(report.quietPeriods);
      expect(report.requests.total).toBeGreaterThan(0);
    });
});
