/**
 * One reconciler per cluster: two `emqx-reconciler run` processes against one sandbox namespace. The first takes
 * the `emqx-reconciler` Lease and reconciles; the second waits and says so, and reconciles nothing. `kill -9` of
 * the first → the second takes over once the Lease expires (its 15 s duration, plus one look); a clean stop
 * (SIGINT) hands the Lease over at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LogLine, type RunProcess, startRunProcess } from "./support/cliProcess.ts";
import { SEED_SHAPE, waitForShape } from "./support/converge.ts";
import {
  applySeed,
  closeTestbed,
  freshNamespace,
  openTestbed,
  patchCr,
  type Testbed,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
const started: RunProcess[] = [];

const LEASE_MS = 15_000;
const RETRY_MS = 1_000;

function start(): RunProcess {
  const run = startRunProcess(testbed, ns, "lease");
  started.push(run);
  return run;
}

const holding = (l: LogLine) => l.msg === "Holding the Lease; reconciling";
const waiting = (l: LogLine) => l.msg === "Waiting for the Lease: another reconciler holds it";
/** Lines that only a reconciling process writes. */
const reconciling = (run: RunProcess) =>
  run.lines.filter((l) => /^(Reconciled EMQX|Applied |Created |Listed every EMQX)/.test(l.msg ?? ""));

async function leaseSpec(): Promise<{ holderIdentity?: string; leaseTransitions?: number } | undefined> {
  const lease = await testbed.gateway.get("Lease", ns, "emqx-reconciler");
  return lease?.spec as { holderIdentity?: string; leaseTransitions?: number } | undefined;
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-lease");
}, 60_000);

afterAll(async () => {
  for (const run of started)
    if (run.proc.exitCode === null && run.proc.signalCode === null) run.proc.kill("SIGKILL");
  await closeTestbed(testbed, ns);
});

describe("two run processes against one sandbox", { timeout: 150_000 }, () => {
  let first: RunProcess;
  let second: RunProcess;

  it("R8 exactly one reconciles; the other waits and says who holds the Lease", async () => {
    // Act
    first = start();
    const took = await first.waitForLine("the first process holding the Lease", holding);
    second = start();
    const waits = await second.waitForLine("the second process waiting", waiting);
    await applySeed(testbed, ns);
    await waitForShape(testbed, ns, SEED_SHAPE);

    // Assess
    expect(waits.holder).toBe(took.identity);
    expect((await leaseSpec())?.holderIdentity).toBe(took.identity);
    expect(reconciling(first).length).toBeGreaterThan(0);
    expect(reconciling(second)).toEqual([]);
    expect(second.lines.some(holding)).toBe(false);
  });

  it("kill -9 of the holder: the waiting process takes over within the Lease duration and reconciles", async () => {
    // Act
    const killedAt = Date.now();
    first.proc.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    const took = await second.waitForLine("the second process holding the Lease", holding, 60_000);
    const seconds = (Date.now() - killedAt) / 1000;
    console.log(`Lease takeover after kill -9: ${seconds.toFixed(1)} s (Lease ${LEASE_MS / 1000} s)`);
    await patchCr(testbed, ns, { spec: { replicantTemplate: { spec: { replicas: 4 } } } });
    await waitForShape(testbed, ns, { cores: 2, replicants: 4 });

    // Assess
    expect(seconds * 1000).toBeLessThanOrEqual(LEASE_MS + 2 * RETRY_MS);
    expect(await leaseSpec()).toMatchObject({ holderIdentity: took.identity, leaseTransitions: 1 });
    expect(reconciling(second).length).toBeGreaterThan(0);
  });

  it("a clean stop hands the Lease over at once", async () => {
    // Prepare
    const third = start();
    await third.waitForLine("the third process waiting", waiting);

    // Act
    const stoppedAt = Date.now();
    second.proc.kill("SIGINT");
    expect(await second.exited).toBe(0);
    await third.waitForLine("the third process holding the Lease", holding);
    const seconds = (Date.now() - stoppedAt) / 1000;
    console.log(`Lease handover after SIGINT: ${seconds.toFixed(1)} s`);

    // Assess
    expect(seconds * 1000).toBeLessThan(5 * RETRY_MS);
    third.proc.kill("SIGINT");
    expect(await third.exited).toBe(0);
    expect((await leaseSpec())?.holderIdentity).toBe("");
  });
});
