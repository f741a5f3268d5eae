/**
 * The reconcile workflow's orchestration at the port boundary (in-memory Kubernetes and EMQX API): write order,
 * zero writes when nothing changed, error mapping. User-visible behaviour is also covered on the sandbox.
 */
import { errorFromResponse, KubeError } from "@emqx-reconciler/adapters";
import { beforeEach, describe, expect, it } from "vitest";
import type { ReconcileDeps } from "../../src/ports.ts";
import { reconcile } from "../../src/workflows/reconcile.ts";
import { WorkflowError } from "../../src/workflows/workflowErrors.ts";
import { FakeEmqx, runControllers, seedCr } from "./fakeControllers.ts";
import { FakeKube } from "./fakeKube.ts";
import { RecordingLogger, RecordingPublisher } from "./recorders.ts";

const KEY = { cluster: "test", namespace: "ns", name: "emqx" };
const PASSWORD = "secretpassword0123456789".padEnd(64, "x");
let kube: FakeKube;
let deps: ReconcileDeps;
let logger: RecordingLogger;
let publisher: RecordingPublisher;

beforeEach(() => {
  kube = new FakeKube();
  kube.seed(seedCr("ns"));
  logger = new RecordingLogger();
  publisher = new RecordingPublisher();
  deps = {
    kube: kube.port(),
    emqxApi: new FakeEmqx(kube),
    clock: { now: () => new Date("2026-01-01T00:00:00Z") },
    random: { password: () => PASSWORD, cookie: () => "cookie".padEnd(64, "c") },
    logger,
    publisher,
  };
});

/** A 500 from the kube-apiserver for the apply of StatefulSet `ns/emqx-core-x`. */
function statefulSetApplyFailure(
  kind: "terminal" | "retryable",
  detail: string,
  fields?: string[],
): KubeError {
  return new KubeError(`APPLY statefulsets ns/emqx-core-x: ${detail}`, {
    kind,
    status: 500,
    request: {
      verb: "APPLY",
      resource: "statefulsets",
      kind: "StatefulSet",
      namespace: "ns",
      name: "emqx-core-x",
    },
    ...(fields ? { fields } : {}),
    detail,
  });
}

/** The 500 kube-apiserver answers when an applied list repeats a key. */
function typedPatchFailure(): KubeError {
  const detail =
    '500 InternalError: failed to create typed patch object: .spec.template.spec.containers[name="emqx"].env: duplicate entries for key [name="X"]';
  return statefulSetApplyFailure("terminal", detail, ['spec.template.spec.containers[name="emqx"].env']);
}

/** The 403 the apiserver answers a create in a namespace being deleted. */
function namespaceTerminating(resource: string, kind: string, name: string): KubeError {
  return errorFromResponse({ verb: "CREATE", resource, kind, namespace: "ns", name }, 403, {
    reason: "Forbidden",
    message: `${resource} "${name}" is forbidden: unable to create new content in namespace ns because it is being terminated`,
    details: { causes: [{ type: "NamespaceTerminating", field: "metadata.namespace" }] },
  });
}

function condition(
  type: string,
): { type: string; status: string; reason: string; message: string } | undefined {
  const status = kube.get("EMQX", "ns", "emqx")?.status as
    | { conditions?: Array<{ type: string; status: string; reason: string; message: string }> }
    | undefined;
  return status?.conditions?.find((c) => c.type === type);
}

async function converge(): Promise<number> {
  for (let pass = 1; pass <= 20; pass++) {
    const result = await reconcile(deps, KEY);
    if (result.outcome === "converged") return pass;
    runControllers(kube);
  }
  throw new Error("did not converge in 20 passes");
}

describe("reconcile (in memory)", () => {
  it("creates the Secrets, then applies in plan order, then annotation, status and events", async () => {
    const result = await reconcile(deps, KEY);
    expect(result.outcome).toBe("progressing");
    expect(kube.writes).toEqual([
      "create Secret/emqx-reconciler-state",
      "create Secret/emqx-bootstrap-api-key",
      "create Secret/emqx-node-cookie",
      "apply Service/emqx-headless",
      "apply ConfigMap/emqx-configs",
      expect.stringMatching(/^apply StatefulSet\/emqx-core-[a-z0-9]{10}$/),
      "apply PodDisruptionBudget/emqx-core",
      "apply PodDisruptionBudget/emqx-replicant",
      "annotate EMQX/emqx",
      "status EMQX/emqx",
      ...kube.writes.filter((w) => w.startsWith("event ")),
    ]);
    expect(kube.writes.filter((w) => w.startsWith("event ")).length).toBeGreaterThan(0);
    expect(result.writes).toBe(kube.writes.length);
  });

  it("writes nothing on a second pass over an unchanged ports", async () => {
    await reconcile(deps, KEY);
    const before = kube.writes.length;
    const again = await reconcile(deps, KEY);
    expect(again).toEqual({ outcome: "progressing", writes: 0 });
    expect(kube.writes.length).toBe(before);
  });

  it("converges with the controllers' help, gates the pods, then makes no writes", async () => {
    const passes = await converge();
    expect(passes).toBeGreaterThan(2);
    const gates = kube.writes.filter((w) => w.startsWith("gate Pod/"));
    expect(gates).toHaveLength(5);
    expect(gates.every((w) => w.endsWith("=True"))).toBe(true);
    const before = kube.writes.length;
    expect(await reconcile(deps, KEY)).toEqual({ outcome: "converged", writes: 0 });
    expect(kube.writes.length).toBe(before);
    const audits = publisher.entries.filter((e) => e.DetailType === "ReconcileApplied");
    expect(audits.length).toBeGreaterThan(0);
    expect(audits.map((e) => JSON.parse(e.Detail).changes.length).every((n: number) => n > 0)).toBe(true);
    const statusEntries = publisher.entries.filter((e) => e.DetailType === "StatusTransition");
    const transitions = statusEntries.map((e) => {
      const { time: _t, ...rest } = JSON.parse(e.Detail);
      return rest;
    });
    expect(transitions.at(-1)).toMatchObject({ to: "Ready", core: { ready: 2 }, replicant: { ready: 3 } });
    const lifecycle = publisher.entries
      .filter((e) => e.DetailType === "LifecycleEvent")
      .map((e) => JSON.parse(e.Detail) as { kind: string; to?: string });
    expect(lifecycle.filter((e) => e.kind === "NodeJoined")).toHaveLength(5);
    expect(lifecycle.filter((e) => e.kind === "PhaseChanged").at(-1)).toMatchObject({ to: "Ready" });
    for (let i = 1; i < transitions.length; i++) expect(transitions[i]).not.toEqual(transitions[i - 1]);
  });

  it("records one Event per pass that changed what the cluster runs; gates and status alone only on the bus and the log", async () => {
    await converge();
    const events = kube.writes.filter((w) => w.startsWith("event "));
    const audits = publisher.entries
      .filter((e) => e.DetailType === "ReconcileApplied")
      .map(
        (e) => JSON.parse(e.Detail) as { notes?: string[]; changes: Array<{ action: string; kind: string }> },
      );
    const bookkeeping = (a: (typeof audits)[number]) =>
      a.changes.every((c) => c.action === "gate" || c.action === "status");
    expect(audits.filter(bookkeeping).length).toBeGreaterThan(0);
    expect(audits.filter((a) => !bookkeeping(a)).length).toBeGreaterThan(0);
    const readyOnItsOwn = audits.some((a) => a.notes !== undefined && bookkeeping(a));
    expect(events).toEqual([
      ...audits.filter((a) => !bookkeeping(a)).map(() => "event ReconcileApplied"),
      ...(readyOnItsOwn ? ["event Ready"] : []),
    ]);
    const created = audits.flatMap((a) => a.changes.filter((c) => c.action === "create").map((c) => c.kind));
    expect(created).toEqual(expect.arrayContaining(["StatefulSet", "ReplicaSet"]));
    expect(audits.filter((a) => a.notes !== undefined).map((a) => a.notes)).toEqual([["Cluster is ready"]]);
    const line = logger.lines.find((l) => l.message === "Reconcile applied" && l.fields.notes !== undefined);
    expect(String(line?.fields.message)).toMatch(/^Cluster is ready: status EMQX emqx \(/);
  });

  it("R3, R5 returns absent for a missing CR and deleting for one being deleted, writing nothing", async () => {
    expect(await reconcile(deps, { ...KEY, name: "nope" })).toEqual({ outcome: "absent", writes: 0 });
    const cr = kube.get("EMQX", "ns", "emqx");
    if (cr) cr.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
    expect(await reconcile(deps, KEY)).toEqual({ outcome: "deleting", writes: 0 });
    expect(kube.writes).toEqual([]);
  });

  it("reports a refused apply at once: ReconcileFailed naming object and field, one Warning event, backoff", async () => {
    kube.failures.set("apply StatefulSet", typedPatchFailure());
    const result = await reconcile(deps, KEY);
    expect(result).toMatchObject({ outcome: "failing", requeueAfterSeconds: 5 });
    const failed = condition("ReconcileFailed");
    expect(failed?.reason).toBe("ApplyStatefulSetFailed");
    expect(failed?.message).toMatch(
      /^apply StatefulSet ns\/emqx-core-x failed: field spec\.template.*duplicate entries/,
    );
    expect(condition("CoreNodesProgressing")?.status).toBe("True");
    expect(kube.writes.filter((w) => w === "event ReconcilerFailed")).toHaveLength(1);
    expect(kube.writes).not.toContain("apply PodDisruptionBudget/emqx-core");

    kube.failures.set("apply StatefulSet", typedPatchFailure());
    const statusWrites = kube.writes.filter((w) => w.startsWith("status")).length;
    expect((await reconcile(deps, KEY)).outcome).toBe("failing");
    expect(kube.writes.filter((w) => w.startsWith("status")).length).toBe(statusWrites);
    expect(kube.writes.filter((w) => w === "event ReconcilerFailed")).toHaveLength(1);
  });

  it("stops quietly when the namespace is being deleted: no ReconcileFailed, no Warning event, no retry", async () => {
    kube.failures.set("apply ConfigMap", namespaceTerminating("configmaps", "ConfigMap", "emqx-configs"));
    const result = await reconcile(deps, KEY);
    expect(result.outcome).toBe("deleting");
    expect(result.requeueAfterSeconds).toBeUndefined();
    expect(condition("ReconcileFailed")).toBeUndefined();
    expect(kube.writes.filter((w) => w.startsWith("status") || w.startsWith("event"))).toEqual([]);
    expect(logger.lines.map((l) => l.message)).toContain("Stopped: the namespace is being deleted");
  });

  it("leaves Events unrecorded without a warning when the namespace is being deleted", async () => {
    kube.failures.set("event", namespaceTerminating("events", "Event", "emqx.0123456789abcdef"));
    const result = await reconcile(deps, KEY);
    expect(result.outcome).toBe("progressing");
    expect(kube.writes).toContain("status EMQX/emqx");
    expect(kube.failures.has("event")).toBe(false);
    expect(kube.writes.filter((w) => w.startsWith("event"))).toEqual([]);
    expect(logger.lines.filter((l) => l.level !== "info")).toEqual([]);
  });

  it("clears ReconcileFailed on the first pass whose writes succeed", async () => {
    kube.failures.set("apply StatefulSet", typedPatchFailure());
    await reconcile(deps, KEY);
    expect(condition("ReconcileFailed")).toBeDefined();
    expect((await reconcile(deps, KEY)).outcome).toBe("progressing");
    expect(condition("ReconcileFailed")).toBeUndefined();
  });

  it("R19 a failure whose status write loses a race records its Warning event once, with the stored condition", async () => {
    const events = () => kube.writes.filter((w) => w === "event ReconcilerFailed").length;
    kube.failures.set("apply StatefulSet", typedPatchFailure());
    kube.failures.set("status EMQX", new KubeError("409", { kind: "conflict", status: 409 }));

    const raced = await reconcile(deps, KEY);
    expect(raced).toMatchObject({ outcome: "failing", requeueAfterSeconds: 1 });
    expect(condition("ReconcileFailed")).toBeUndefined();
    expect(events()).toBe(0);

    for (let pass = 0; pass < 3; pass++) {
      kube.failures.set("apply StatefulSet", typedPatchFailure());
      expect((await reconcile(deps, KEY)).outcome).toBe("failing");
    }
    expect(condition("ReconcileFailed")?.reason).toBe("ApplyStatefulSetFailed");
    expect(events()).toBe(1);
  });

  it("reports a refused status write with the prior status plus ReconcileFailed", async () => {
    const detail = "422 Invalid: status.coreNodes[0].node: Required value";
    kube.failures.set(
      "status EMQX",
      new KubeError(`UPDATE emqxes/status ns/emqx: ${detail}`, {
        kind: "terminal",
        status: 422,
        request: { verb: "UPDATE", resource: "emqxes/status", kind: "EMQX", namespace: "ns", name: "emqx" },
        fields: ["status.coreNodes[0].node"],
        detail,
      }),
    );
    expect(await reconcile(deps, KEY)).toMatchObject({ outcome: "failing", requeueAfterSeconds: 5 });
    const failed = condition("ReconcileFailed");
    expect(failed?.reason).toBe("UpdateEMQXFailed");
    expect(failed?.message).toBe(`update EMQX ns/emqx failed: field status.coreNodes[0].node: ${detail}`);
    expect(condition("CoreNodesProgressing")).toBeUndefined();
    expect(kube.writes.filter((w) => w === "event ReconcilerFailed")).toHaveLength(1);
  });

  it("R22 retries a 5xx seen once quietly, and reports it when it fails again", async () => {
    const failure = () => statefulSetApplyFailure("retryable", "500 InternalError: etcd timeout");
    kube.failures.set("apply StatefulSet", failure());
    const once = await reconcile(deps, KEY).catch((e: unknown) => e);
    expect(once).toMatchObject({ kind: "retryable" });
    expect(kube.get("EMQX", "ns", "emqx")?.status).toBeUndefined();
    expect(kube.writes).not.toContain("event ReconcilerFailed");

    kube.failures.set("apply StatefulSet", failure());
    const again = await reconcile(deps, KEY, undefined, { previousFailures: 1 });
    expect(again).toMatchObject({ outcome: "failing", requeueAfterSeconds: 5 });
    expect(condition("ReconcileFailed")?.message).toContain("etcd timeout");
  });

  it("R19 asks to run again in 1 s when the status write loses a race", async () => {
    kube.failures.set("status EMQX", new KubeError("409", { kind: "conflict", status: 409 }));
    const result = await reconcile(deps, KEY);
    expect(result).toMatchObject({ outcome: "progressing", requeueAfterSeconds: 1 });
  });

  it("throws a retryable WorkflowError, with the server's Retry-After, for a transient failure", async () => {
    kube.failures.set(
      "get EMQX",
      new KubeError("GET emqxes: 429", { kind: "retryable", status: 429, retryAfterSeconds: 7 }),
    );
    const error = await reconcile(deps, KEY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error).toMatchObject({ kind: "retryable", retryAfterSeconds: 7 });
  });

  it("keeps the last good node lists when the EMQX API fails", async () => {
    await converge();
    (deps.emqxApi as FakeEmqx).down.add("ns/emqx");
    const result = await reconcile(deps, KEY);
    expect(result.requeueAfterSeconds).toBeGreaterThan(0);
    const status = kube.get("EMQX", "ns", "emqx")?.status as {
      coreNodes: unknown[];
      replicantNodes: unknown[];
      conditions: Array<{ type: string }>;
    };
    expect(status.coreNodes).toHaveLength(2);
    expect(status.replicantNodes).toHaveLength(3);
    expect(status.conditions.map((c) => c.type)).toContain("NodeStatusStale");
    expect(kube.writes.filter((w) => w.endsWith("=False"))).toEqual([]);
  });

  it("never logs the generated password", async () => {
    await converge();
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.text()).not.toContain(PASSWORD);
  });
});
