/**
 * `kill -9` of `emqx-reconciler run` in the middle of a reconcile, then a restart (Sieve-style "kill after write k"): the process is killed right after its first write, its successor right
 * after it creates the replicant ReplicaSet, and a third one converges the CR with exactly one object of each
 * kind, every object owned, no extra pod and the bootstrap Secret of the first process kept.
 */
import { type KubeObject, OWNED_KINDS } from "@emqx-reconciler/adapters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunProcess, startRunProcess } from "./support/cliProcess.ts";
import { waitForShape } from "./support/converge.ts";
import { applySeed, closeTestbed, freshNamespace, openTestbed, type Testbed } from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
const started: RunProcess[] = [];

/** Every labelled child, tagged with its kind. */
async function children(): Promise<KubeObject[]> {
  const all = await testbed.gateway.listChildren(ns, "emqx");
  return OWNED_KINDS.flatMap((kind) => (all[kind] as KubeObject[]).map((obj) => ({ ...obj, kind })));
}

async function startRun(): Promise<RunProcess> {
  // A killed process keeps its Lease until it expires: the shortest Lease keeps the restarts quick.
  const run = startRunProcess(testbed, ns, "crash", ["--lease-seconds", "5"]);
  started.push(run);
  await run.waitForLine(
    "the forwarder's first lists",
    (l) => l.msg?.startsWith("Listed every EMQX") ?? false,
  );
  return run;
}

async function killAfter(run: RunProcess, what: string, match: (msg: string) => boolean): Promise<void> {
  await run.waitForLine(what, (l) => match(l.msg ?? ""));
  run.proc.kill("SIGKILL");
  expect(await run.exited).toBe("SIGKILL");
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-crash");
});

afterAll(async () => {
  for (const run of started)
    if (run.proc.exitCode === null && run.proc.signalCode === null) run.proc.kill("SIGKILL");
  await closeTestbed(testbed, ns);
});

describe("kill -9 mid-reconcile, then restart", () => {
  it("R14, R24 converges with no duplicate, orphan or extra object", { timeout: 180_000 }, async () => {
    const first = await startRun();
    await applySeed(testbed, ns);
    await killAfter(first, "the first write", (msg) => /^(Created|Applied) /.test(msg));
    const secretsAfterKill = (await testbed.gateway.listOwned("Secret", ns, "emqx")).map(
      (s) => s.metadata?.uid,
    );
    expect(secretsAfterKill.length).toBeGreaterThanOrEqual(1);

    const second = await startRun();
    await killAfter(second, "the replicant ReplicaSet applied", (msg) => msg === "Applied ReplicaSet");

    const third = await startRun();
    await waitForShape(testbed, ns, { cores: 2, replicants: 3 });
    third.proc.kill("SIGINT");
    expect(await third.exited).toBe(0);

    const all = await children();
    const count = (kind: string) => all.filter((c) => c.kind === kind).map((c) => c.metadata?.name);
    expect(count("StatefulSet")).toHaveLength(1);
    expect(count("ReplicaSet")).toHaveLength(1);
    expect(count("Service").sort()).toEqual(["emqx-dashboard", "emqx-headless", "emqx-listeners"]);
    expect(count("ConfigMap")).toEqual(["emqx-configs"]);
    expect(count("Secret").sort()).toEqual([
      "emqx-bootstrap-api-key",
      "emqx-node-cookie",
      "emqx-reconciler-state",
    ]);
    expect(count("PodDisruptionBudget").sort()).toEqual(["emqx-core", "emqx-replicant"]);
    expect(count("Pod")).toHaveLength(5);
    for (const child of all) {
      const controllers = (child.metadata?.ownerReferences ?? []).filter((o) => o.controller);
      expect(controllers, `${child.kind}/${child.metadata?.name}`).toHaveLength(1);
    }
    const secretsNow = (await testbed.gateway.listOwned("Secret", ns, "emqx")).map((s) => s.metadata?.uid);
    expect(secretsNow).toEqual(expect.arrayContaining(secretsAfterKill));
    const pods = await testbed.gateway.list("Pod", { namespace: ns });
    expect(pods.items).toHaveLength(5);
  });
});
