import type { KindName, KubeObject } from "@emqx-reconciler/adapters";
import { describe, expect, it } from "vitest";
import { ObjectTracker, type Scope } from "../../../src/workflows/forward/ObjectTracker.ts";
import { child, emqx, podStatus } from "./fixtures.ts";

const CRS: Scope = { kind: "EMQX", namespace: undefined };
const PODS: Scope = { kind: "Pod", namespace: undefined };
const scope = (kind: KindName): Scope => ({ kind, namespace: undefined });
const ev = (type: "ADDED" | "MODIFIED" | "DELETED", object: KubeObject) => ({ type, object });
const causes = (hints: Array<{ name: string; cause: string }>) => hints.map((h) => `${h.name}:${h.cause}`);

function syncedTracker(crs: KubeObject[] = [emqx("a"), emqx("b")]) {
  const tracker = new ObjectTracker("c1", [CRS]);
  tracker.applyList(CRS, crs, "initial", false);
  return tracker;
}

describe("ObjectTracker", () => {
  it("hints resync for every CR of an initial list when asked, nothing for children", () => {
    const tracker = new ObjectTracker("c1", [CRS]);
    const hints = tracker.applyList(CRS, [emqx("a", { resourceVersion: "5" }), emqx("b")], "initial", true);
    expect(hints).toEqual([
      { cluster: "c1", namespace: "default", name: "a", uid: "uid-a", resourceVersion: "5", cause: "resync" },
      { cluster: "c1", namespace: "default", name: "b", uid: "uid-b", resourceVersion: "1", cause: "resync" },
    ]);
    expect(tracker.applyList(PODS, [child("Pod", "a-0", "a")], "initial", true)).toEqual([]);
  });

  it("turns CR events into added / modified / deleted, dropping status-only updates", () => {
    const tracker = syncedTracker([]);
    expect(causes(tracker.applyEvent(CRS, ev("ADDED", emqx("a"))))).toEqual(["a:added"]);
    const statusOnly = emqx("a", { resourceVersion: "2", status: { coreNodes: [] } });
    expect(tracker.applyEvent(CRS, ev("MODIFIED", statusOnly))).toEqual([]);
    const specChange = emqx("a", { resourceVersion: "3", generation: 2 });
    expect(causes(tracker.applyEvent(CRS, ev("MODIFIED", specChange)))).toEqual(["a:modified"]);
    const gone = tracker.applyEvent(CRS, ev("DELETED", emqx("a", { resourceVersion: "4", generation: 2 })));
    expect(gone).toEqual([
      {
        cluster: "c1",
        namespace: "default",
        name: "a",
        uid: "uid-a",
        resourceVersion: "4",
        cause: "deleted",
      },
    ]);
    expect(tracker.stats().filtered).toBe(1);
  });

  it("hints a child change to its CR with the CR's uid and the child's resourceVersion", () => {
    const tracker = syncedTracker();
    tracker.applyList(PODS, [child("Pod", "a-0", "a", { status: podStatus(false) })], "initial", false);
    const ready = child("Pod", "a-0", "a", { resourceVersion: "8", status: podStatus(true) });
    expect(tracker.applyEvent(PODS, ev("MODIFIED", ready))).toEqual([
      { cluster: "c1", namespace: "default", name: "a", uid: "uid-a", resourceVersion: "8", cause: "child" },
    ]);
    const heartbeat = structuredClone(ready) as KubeObject & { status: ReturnType<typeof podStatus> };
    heartbeat.status.conditions[0] = {
      ...heartbeat.status.conditions[0],
      lastTransitionTime: "later",
    } as never;
    expect(tracker.applyEvent(PODS, ev("MODIFIED", heartbeat))).toEqual([]);
  });

  it("R10 drops the echo of the reconciler's own child write, but not a newer write by anyone else", () => {
    const tracker = syncedTracker();
    const svc = (resourceVersion: string, managedFields: object[], type = "ClusterIP") => {
      const object = child("Service", "a-listeners", "a", { resourceVersion, spec: { type } });
      return { ...object, metadata: { ...object.metadata, managedFields } } as KubeObject;
    };
    const ours = { manager: "emqx-reconciler", operation: "Apply", time: "2026-01-01T00:00:02Z" };
    const theirs = { manager: "kubectl-edit", operation: "Update", time: "2026-01-01T00:00:01Z" };
    expect(tracker.applyEvent(scope("Service"), ev("ADDED", svc("2", [ours, theirs])))).toEqual([]);
    const edited = { ...theirs, time: "2026-01-01T00:00:03Z" };
    const drift = tracker.applyEvent(scope("Service"), ev("MODIFIED", svc("3", [ours, edited], "NodePort")));
    expect(causes(drift)).toEqual(["a:child"]);
    const sameSecond = { ...edited, time: ours.time };
    const tie = tracker.applyEvent(
      scope("Service"),
      ev("MODIFIED", svc("4", [ours, sameSecond], "ClusterIP")),
    );
    expect(causes(tie)).toEqual(["a:child"]);
    expect(tracker.stats().echoes).toBe(1);
  });

  it("hints both CRs when a child's instance label moves", () => {
    const tracker = syncedTracker();
    tracker.applyEvent(
      scope("ConfigMap"),
      ev("ADDED", child("ConfigMap", "cm", "a", { ownerReferences: [] })),
    );
    const moved = child("ConfigMap", "cm", "b", { ownerReferences: [] });
    expect(causes(tracker.applyEvent(scope("ConfigMap"), ev("MODIFIED", moved)))).toEqual([
      "b:child",
      "a:child",
    ]);
  });

  it("drops child hints for unknown CRs once every CR scope is listed, not before", () => {
    const early = new ObjectTracker("c1", [CRS]);
    expect(causes(early.applyEvent(PODS, ev("ADDED", child("Pod", "x-0", "x"))))).toEqual(["x:child"]);
    const tracker = syncedTracker();
    expect(tracker.applyEvent(PODS, ev("DELETED", child("Pod", "x-0", "x")))).toEqual([]);
    expect(tracker.stats().orphaned).toBe(1);
  });

  it("diffs a relist: synthesizes deleted for vanished CRs, hints new and changed, skips unchanged", () => {
    const tracker = new ObjectTracker("c1", [CRS]);
    tracker.applyList(
      CRS,
      [emqx("keep"), emqx("change"), emqx("vanish", { resourceVersion: "3" })],
      "initial",
      false,
    );
    const hints = tracker.applyList(
      CRS,
      [emqx("keep", { resourceVersion: "9" }), emqx("change", { generation: 2 }), emqx("new")],
      "relist",
      true,
    );
    expect(hints.map((h) => `${h.name}:${h.cause}:${h.uid}:${h.resourceVersion}`)).toEqual([
      "vanish:deleted:uid-vanish:3",
      "change:modified:uid-change:1",
      "new:added:uid-new:1",
    ]);
    expect(tracker.stats().synthesizedDeletes).toBe(1);
  });

  it("R4 on a relist, a CR recreated under its name gets deleted (old uid) then added (new uid)", () => {
    const tracker = syncedTracker([emqx("a", { uid: "old" })]);
    const hints = tracker.applyList(CRS, [emqx("a", { uid: "new" })], "relist", false);
    expect(hints.map((h) => `${h.cause}:${h.uid}`)).toEqual(["deleted:old", "added:new"]);
  });

  it("on a relist of children, hints owners of vanished and changed children", () => {
    const tracker = syncedTracker();
    tracker.applyList(
      scope("Service"),
      [child("Service", "a-svc", "a"), child("Service", "b-svc", "b")],
      "initial",
      false,
    );
    const hints = tracker.applyList(
      scope("Service"),
      [child("Service", "b-svc", "b", { spec: { ports: [{ port: 1883 }] } })],
      "relist",
      false,
    );
    expect(causes(hints)).toEqual(["a:child", "b:child"]);
  });

  it("forgets a deleted CR, so its children's garbage collection hints nothing", () => {
    const tracker = syncedTracker();
    tracker.applyEvent(CRS, ev("DELETED", emqx("a")));
    expect(tracker.applyEvent(PODS, ev("DELETED", child("Pod", "a-0", "a")))).toEqual([]);
    expect(tracker.stats().objects).toBe(1);
  });
});
