/**
 * Blue-green update under the embedded reconciler of `run`: the seed example (EMQX 6.0.1,
 * Enterprise in the emulator) goes to `emqx/emqx:6.0.2`. Watches record every version of the sets, pods, CR and
 * Services, so the sequence is checked step by step: new core StatefulSet, then new ReplicaSet; `updateRevision`
 * moves while `currentRevision` stays; old pods gated off once `Available`; old ReplicaSet, then old StatefulSet,
 * scaled down one pod at a time; Ready on the new revision with the old sets kept at 0.
 */
import { CONDITION_ON_SERVING, ConditionType, LABEL_POD_TEMPLATE_HASH } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed, type Snapshot, snapshot } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  type EmqxObject,
  freshNamespace,
  hasCondition,
  openTestbed,
  patchCr,
  SEED_NAME,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";
import { type Change, recordHistory, type WatchHistory } from "./support/watchHistory.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler | undefined;
let history: WatchHistory | undefined;
let before: Snapshot;
let after: Snapshot;
let evacuee: string | undefined;
let serviceUids: Record<string, string | undefined>;

const SERVICES = [`${SEED_NAME}-listeners`, `${SEED_NAME}-dashboard`, `${SEED_NAME}-headless`];

const nameOf = (set: { metadata?: { name?: string } } | undefined) => set?.metadata?.name ?? "";
const hashOf = (set: { metadata?: { labels?: Record<string, string> } } | undefined) =>
  set?.metadata?.labels?.[LABEL_POD_TEMPLATE_HASH];

interface SetCounts {
  spec?: { replicas?: number };
  status?: { replicas?: number; readyReplicas?: number; observedGeneration?: number };
  metadata?: { generation?: number };
}

/** The set's (spec, status) replicas over time, consecutive duplicates dropped. */
function replicasOverTime(changes: Change[]) {
  const out: Array<{ spec: number; status: number; seen: boolean; rv: bigint }> = [];
  for (const c of changes) {
    const set = c.object as SetCounts;
    const point = {
      spec: set.spec?.replicas ?? 0,
      status: set.status?.replicas ?? 0,
      seen: (set.status?.observedGeneration ?? 0) >= (set.metadata?.generation ?? 0),
      rv: c.rv,
    };
    const last = out.at(-1);
    if (!last || last.spec !== point.spec || last.status !== point.status || last.seen !== point.seen)
      out.push(point);
  }
  return out;
}

/** Every decrement of spec.replicas, with whether the set controller had caught up with the one before. */
function decrements(changes: Change[]) {
  const points = replicasOverTime(changes);
  const steps: Array<{ from: number; to: number; controllerCaughtUp: boolean; rv: bigint }> = [];
  for (let i = 1; i < points.length; i++) {
    const [prev, cur] = [points[i - 1], points[i]];
    if (!prev || !cur || cur.spec === prev.spec) continue;
    steps.push({
      from: prev.spec,
      to: cur.spec,
      controllerCaughtUp: prev.seen && prev.status <= prev.spec,
      rv: cur.rv,
    });
  }
  return steps;
}

function revisionsReached(cr: EmqxObject | undefined, oldCore?: string, oldRepl?: string): boolean {
  const core = cr?.status?.coreNodesStatus;
  const repl = cr?.status?.replicantNodesStatus;
  return (
    hasCondition(cr, ConditionType.Ready) &&
    core?.updateRevision !== oldCore &&
    core?.currentRevision === core?.updateRevision &&
    repl?.updateRevision !== oldRepl &&
    repl?.currentRevision === repl?.updateRevision &&
    (cr?.status?.coreNodes ?? []).length === 2 &&
    (cr?.status?.replicantNodes ?? []).length === 3
  );
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-bluegreen");
  embedded = await startEmbedded(testbed, ns);
  before = await convergeSeed(testbed, ns);
  serviceUids = Object.fromEntries(
    await Promise.all(
      SERVICES.map(async (n) => [n, (await testbed.gateway.get("Service", ns, n))?.metadata?.uid] as const),
    ),
  );
  history = await recordHistory(testbed, ns, ["EMQX", "StatefulSet", "ReplicaSet", "Pod", "Service"]);
  const oldCore = before.cr?.status?.coreNodesStatus?.currentRevision;
  const oldRepl = before.cr?.status?.replicantNodesStatus?.currentRevision;
  // Sessions on the replicant retired first, so that Enterprise evacuation runs before it is removed.
  evacuee = before.pods
    .map((p) => p.metadata?.name ?? "")
    .filter((n) => n.startsWith(`${nameOf(before.replicaSets[0])}-`))
    .sort()
    .at(-1);
  await testbed.emulator.setConnections(`${ns}/${evacuee}`, 20);
  const started = Date.now();
  // Short waits keep the test fast: the defaults (initialDelaySeconds 10, waitTakeover 10) make it ~1 minute;
  // test/bench/blueGreen.ts measures those.
  await patchCr(testbed, ns, {
    spec: {
      image: "emqx/emqx:6.0.2",
      updateStrategy: { initialDelaySeconds: 1, evacuationStrategy: { waitTakeover: 1 } },
    },
  });
  await waitFor(
    "Ready on the new revisions",
    async () => (revisionsReached((await snapshot(testbed, ns)).cr, oldCore, oldRepl) ? true : undefined),
    150_000,
    async () => (await snapshot(testbed, ns)).cr?.status,
  );
  console.log(
    `blue-green 6.0.1 → 6.0.2 (initialDelaySeconds 1, waitTakeover 1, one replicant evacuated: EMQX waits wait_health_check 60 s): Ready after ${((Date.now() - started) / 1000).toFixed(1)} s (operator, defaults: 52.6 s)`,
  );
  // Let the set controllers finish the last scale-down before reading the final state.
  await waitFor("old sets at 0 pods", async () => {
    const s = await snapshot(testbed, ns);
    const old: SetCounts[] = [...s.statefulSets, ...s.replicaSets].filter(
      (x) => hashOf(x) === oldCore || hashOf(x) === oldRepl,
    );
    return old.every((x) => (x.status?.replicas ?? 0) === 0 && x.spec?.replicas === 0) ? s : undefined;
  });
  after = await snapshot(testbed, ns);
}, 240_000);

afterAll(async () => {
  history?.stop();
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("blue-green update of the seed example to 6.0.2", () => {
  const oldSts = () => before.statefulSets[0];
  const oldRs = () => before.replicaSets[0];
  const newSts = () => after.statefulSets.find((s) => s.metadata?.uid !== oldSts()?.metadata?.uid);
  const newRs = () => after.replicaSets.find((s) => s.metadata?.uid !== oldRs()?.metadata?.uid);
  const added = (kind: Change["kind"], name: string) =>
    history?.changes.find((c) => c.kind === kind && c.type === "ADDED" && c.object.metadata?.name === name);

  it("creates a new core StatefulSet <name>-core-<newhash>, and after it a new ReplicaSet", () => {
    const status = after.cr?.status;
    const coreHash = status?.coreNodesStatus?.updateRevision;
    const replHash = status?.replicantNodesStatus?.updateRevision;
    expect(after.statefulSets).toHaveLength(2);
    expect(after.replicaSets).toHaveLength(2);
    expect(nameOf(newSts())).toBe(`${SEED_NAME}-core-${coreHash}`);
    expect(nameOf(newRs())).toBe(`${SEED_NAME}-replicant-${replHash}`);
    expect(coreHash).not.toBe(hashOf(oldSts()));
    const stsAdded = added("StatefulSet", nameOf(newSts()));
    const rsAdded = added("ReplicaSet", nameOf(newRs()));
    expect(stsAdded).toBeDefined();
    expect(rsAdded).toBeDefined();
    expect((rsAdded?.rv ?? 0n) > (stsAdded?.rv ?? 0n)).toBe(true);
  });

  it("moves updateRevision first while currentRevision stays", () => {
    const oldCore = hashOf(oldSts());
    const crs = history?.of("EMQX", SEED_NAME).map((c) => (c.object as EmqxObject).status) ?? [];
    const firstMove = crs.find((s) => s?.coreNodesStatus?.updateRevision !== oldCore);
    expect(firstMove?.coreNodesStatus?.currentRevision).toBe(oldCore);
  });

  // Our pass gates the old pods in the pass that decides Available, just before writing that status (the
  // operator gates one pass later, from the written status): so the gate follows the new pods all serving, and
  // the next CR write says Available.
  it("gates the old pods off (on-serving False) once the new pods all serve and the CR is Available", () => {
    const oldUids = new Set([oldSts()?.metadata?.uid, oldRs()?.metadata?.uid]);
    const ownedBy = (c: Change, uids: Set<string | undefined>) =>
      c.object.metadata?.ownerReferences?.some((o) => uids.has(o.uid)) ?? false;
    const onServing = (c: Change) =>
      ((c.object.status as { conditions?: Array<{ type: string; status: string }> })?.conditions ?? []).find(
        (x) => x.type === CONDITION_ON_SERVING,
      )?.status;
    const pods = history?.changes.filter((c) => c.kind === "Pod") ?? [];
    const offs = pods.filter((c) => ownedBy(c, oldUids) && onServing(c) === "False");
    expect(new Set(offs.map((c) => c.object.metadata?.name)).size).toBe(5);
    const firstOff = offs[0]?.rv ?? 0n; // one watch per kind: pod changes arrive in resourceVersion order
    const newUids = new Set([newSts()?.metadata?.uid, newRs()?.metadata?.uid]);
    const servingBefore = new Set(
      pods
        .filter((c) => ownedBy(c, newUids) && onServing(c) === "True" && c.rv < firstOff)
        .map((c) => c.object.metadata?.name),
    );
    expect(servingBefore.size).toBe(5);
    const nextCr = history?.of("EMQX", SEED_NAME).find((c) => c.rv > firstOff);
    expect(hasCondition(nextCr?.object as EmqxObject, ConditionType.Available)).toBe(true);
  });

  it("evacuates the old replicant holding sessions before removing it", async () => {
    const events = await testbed.gateway.listEvents(ns, SEED_NAME, "NodeEvacuation");
    expect(events.length).toBeGreaterThan(0);
    const pod = history?.of("Pod", evacuee ?? "") ?? [];
    const ip = (pod[0]?.object.status as { podIP?: string } | undefined)?.podIP;
    expect(events.map((e) => e.message).join()).toContain(`emqx@${ip}`);
    expect(pod.some((c) => c.type === "DELETED")).toBe(true);
  });

  it("R37 scales the old ReplicaSet, then the old StatefulSet, down one pod at a time", () => {
    const rsSteps = decrements(history?.of("ReplicaSet", nameOf(oldRs())) ?? []);
    const stsSteps = decrements(history?.of("StatefulSet", nameOf(oldSts())) ?? []);
    expect(rsSteps.map((s) => [s.from, s.to])).toEqual([
      [3, 2],
      [2, 1],
      [1, 0],
    ]);
    expect(stsSteps.map((s) => [s.from, s.to])).toEqual([
      [2, 1],
      [1, 0],
    ]);
    for (const step of [...rsSteps, ...stsSteps]) expect(step.controllerCaughtUp).toBe(true);
    const rsEmpty = history
      ?.of("ReplicaSet", nameOf(oldRs()))
      .find((c) => ((c.object as SetCounts).status?.replicas ?? 0) === 0 && c.type === "MODIFIED");
    expect((stsSteps[0]?.rv ?? 0n) > (rsEmpty?.rv ?? 0n)).toBe(true);
  });

  it("ends Ready on the new revision, nodes on 6.0.2, old sets kept at 0", () => {
    const status = after.cr?.status;
    expect(hasCondition(after.cr, ConditionType.Ready)).toBe(true);
    expect(status?.coreNodesStatus?.currentRevision).toBe(hashOf(newSts()));
    expect(status?.replicantNodesStatus?.currentRevision).toBe(hashOf(newRs()));
    const nodes = [...(status?.coreNodes ?? []), ...(status?.replicantNodes ?? [])];
    expect(nodes.map((n) => n.version)).toEqual(Array(5).fill("6.0.2"));
    for (const old of [
      after.statefulSets.find((s) => nameOf(s) === nameOf(oldSts())),
      after.replicaSets.find((s) => nameOf(s) === nameOf(oldRs())),
    ] as SetCounts[]) {
      expect(old?.spec?.replicas).toBe(0);
      expect(old?.status?.replicas ?? 0).toBe(0);
    }
  });

  it("never deleted the listeners, dashboard or headless Services", async () => {
    expect(history?.changes.filter((c) => c.kind === "Service" && c.type === "DELETED")).toEqual([]);
    for (const name of SERVICES)
      expect((await testbed.gateway.get("Service", ns, name))?.metadata?.uid).toBe(serviceUids[name]);
  });
});
