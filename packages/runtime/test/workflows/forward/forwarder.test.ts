/**
 * The forwarder against the real kube-apiserver of the test sandbox, publishing into a real embedded bus.
 * Each test watches its own namespace.
 */
import { KubeGateway, type KubeObject, kubeTargetFromEndpoint, OWNED_KINDS } from "@emqx-reconciler/adapters";
import { CONDITION_ON_SERVING, LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestOf, EMPTY_DIGEST } from "../../../src/workflows/cache/versionDigest.ts";
import { createHintBatcher } from "../../../src/workflows/forward/batcher.ts";
import {
  type Forwarder,
  type ForwarderOptions,
  startForwarder,
} from "../../../src/workflows/forward/forwarder.ts";
import {
  collectingBus,
  emqxManifest,
  holdingKube,
  type Kit,
  setupKit,
  useNamespace,
  waitForHint,
} from "./sandboxKit.ts";

let kit: Kit;
const cleanups: Array<() => Promise<void>> = [];
/** Forwarders still running when a test fails are stopped before the gateway closes (open watches hold it). */
const running: Forwarder[] = [];
function track(forwarder: Forwarder): Forwarder {
  running.push(forwarder);
  return forwarder;
}
beforeAll(async () => {
  kit = await setupKit();
});
afterAll(async () => {
  await Promise.all(running.map((f) => f.stop()));
  for (const cleanup of cleanups) await cleanup();
  await kit?.gateway.close();
});

const FAST_BATCH = { windowMs: 20 };

/** Starts a tracked "sbx" forwarder over `ns` with fast batching into `publisher`, and waits until it is ready. */
async function forwardNamespace(
  ns: string,
  publisher: NonNullable<ForwarderOptions["publisher"]>,
  options: Partial<ForwarderOptions> = {},
): Promise<Forwarder> {
  const forwarder = track(
    startForwarder({
      cluster: "sbx",
      kube: kit.gateway,
      publisher,
      namespaces: [ns],
      batching: FAST_BATCH,
      ...options,
    }),
  );
  await forwarder.ready;
  return forwarder;
}

async function namespace(prefix: string): Promise<string> {
  const [ns, cleanup] = await useNamespace(kit, prefix);
  cleanups.push(cleanup);
  return ns;
}

/** Runs kubectl with space-separated arguments (none of ours contains a space). */
function run(command: string): Promise<string> {
  return kit.kubectl(command.split(" "));
}

/** Creates CR `name` and returns its uid. */
async function createCr(ns: string, name: string): Promise<string> {
  await kit.kubectl(["apply", "-f", "-"], emqxManifest(ns, name));
  return kit.kubectl(["get", "emqx", name, "-n", ns, "-o", "jsonpath={.metadata.uid}"]);
}

/** Sets an annotation on CR `name`; returns the new resourceVersion. */
function annotate(ns: string, name: string, value: string): Promise<string> {
  return run(
    `annotate emqx ${name} -n ${ns} test/step=${value} --overwrite -o jsonpath={.metadata.resourceVersion}`,
  );
}

describe("startForwarder on the sandbox", () => {
  it("R10 hints CR and child creation, changes and deletion; ignores status-only CR updates", async () => {
    const ns = await namespace("fwd-crud");
    const { bus, hints } = collectingBus();
    const forwarder = await forwardNamespace(ns, bus);
    expect(forwarder.stats().ready).toBe(true);

    const uid = await createCr(ns, "broker");
    await waitForHint(hints, { namespace: ns, name: "broker", uid, cause: "added", cluster: "sbx" });

    const cm = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "broker-configs",
        namespace: ns,
        labels: { [LABEL_INSTANCE]: "broker", [LABEL_MANAGED_BY]: MANAGED_BY },
      },
      data: { "emqx.conf": "a = 1" },
    };
    await kit.kubectl(["apply", "-f", "-"], JSON.stringify(cm));
    const childRv = await run(`get cm broker-configs -n ${ns} -o jsonpath={.metadata.resourceVersion}`);
    await waitForHint(hints, { name: "broker", cause: "child", uid, resourceVersion: childRv });

    const unlabelled = { ...cm, metadata: { name: "other", namespace: ns } };
    await kit.kubectl(["apply", "-f", "-"], JSON.stringify(unlabelled));

    const statusOnly = JSON.stringify({ status: { conditions: [], coreNodes: [] } });
    await run(`patch emqx broker -n ${ns} --subresource=status --type=merge -p ${statusOnly}`);
    await expect.poll(() => forwarder.stats().tracker.filtered, { timeout: 10_000 }).toBe(1);
    const annotatedRv = await annotate(ns, "broker", "1");
    await waitForHint(hints, { name: "broker", cause: "modified", resourceVersion: annotatedRv });

    await kit.kubectl(["delete", "cm", "broker-configs", "-n", ns]);
    await expect.poll(() => hints.filter((h) => h.cause === "child").length, { timeout: 10_000 }).toBe(2);

    await kit.kubectl(["delete", "emqx", "broker", "-n", ns]);
    await waitForHint(hints, { name: "broker", cause: "deleted", uid });
    await forwarder.stop();
    await bus.idle();

    expect(hints.filter((h) => h.cause === "modified")).toHaveLength(1);
    expect(hints.every((h) => h.name === "broker")).toBe(true);
    const stats = forwarder.stats();
    expect(stats.unsentAtStop).toBe(0);
    await bus.close();
  });

  it("hints a pod's creation and its readiness gate change to the CR", async () => {
    const ns = await namespace("fwd-pod");
    const { bus, hints } = collectingBus();
    const uid = await createCr(ns, "broker");
    const forwarder = track(
      startForwarder({ cluster: "sbx", kube: kit.gateway, publisher: bus, namespaces: [ns] }),
    );
    await forwarder.ready;
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "broker-core-0",
        namespace: ns,
        labels: { [LABEL_INSTANCE]: "broker", [LABEL_MANAGED_BY]: MANAGED_BY },
      },
      spec: {
        readinessGates: [{ conditionType: CONDITION_ON_SERVING }],
        containers: [{ name: "emqx", image: "emqx/emqx:6.0.1" }],
      },
    };
    await kit.kubectl(["apply", "-f", "-"], JSON.stringify(pod));
    await waitForHint(hints, { name: "broker", cause: "child", uid });
    await run(`wait pod/broker-core-0 -n ${ns} --for=jsonpath={.status.phase}=Running --timeout=30s`);

    const gate = JSON.stringify({ status: { conditions: [{ type: CONDITION_ON_SERVING, status: "True" }] } });
    const gateRv = Number(
      await run(
        `patch pod broker-core-0 -n ${ns} --subresource=status --type=strategic -p ${gate} -o jsonpath={.metadata.resourceVersion}`,
      ),
    );
    await expect
      .poll(
        () => hints.some((h) => h.cause === "child" && h.uid === uid && Number(h.resourceVersion) >= gateRv),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);
    await forwarder.stop();
    const podInformer = forwarder.stats().informers[`Pod@${ns}`];
    expect(podInformer?.events).toBeGreaterThan(0);
    expect(hints.every((h) => h.name === "broker" && h.namespace === ns)).toBe(true);
    await kit.kubectl(["delete", "pod", "broker-core-0", "-n", ns, "--grace-period=0", "--force"]);
    await bus.close();
  });

  it("R12 resumes after a server-side watch timeout without losing a change made in the gap", async () => {
    const ns = await namespace("fwd-gap");
    const { bus, hints } = collectingBus();
    const holding = holdingKube(kit.gateway);
    const uid = await createCr(ns, "broker");
    const forwarder = await forwardNamespace(ns, bus, { kube: holding.kube, watch: { timeoutSeconds: 2 } });
    await waitForHint(hints, { name: "broker", cause: "resync", uid });

    const held = holding.holdNext("EMQX");
    await held.asked;
    const rv = await annotate(ns, "broker", "in-the-gap");
    held.release();
    await waitForHint(hints, { name: "broker", cause: "modified", resourceVersion: rv });

    const crs = forwarder.stats().informers[`EMQX@${ns}`];
    expect(crs?.ends.closed).toBeGreaterThanOrEqual(1);
    expect(crs?.relists).toBe(0);
    await forwarder.stop();
    await bus.close();
  });

  it("R13 relists on a real 410 Gone and synthesizes deleted hints for CRs that vanished meanwhile", async () => {
    const ns = await namespace("fwd-gone");
    const { bus, hints } = collectingBus();
    const holding = holdingKube(kit.gateway);
    const keepUid = await createCr(ns, "keep");
    const goneUid = await createCr(ns, "gone");
    const forwarder = await forwardNamespace(ns, bus, { kube: holding.kube, watch: { timeoutSeconds: 2 } });

    // The watch restarts from resourceVersion "1", older than the apiserver's history for EMQX: a real 410.
    const held = holding.holdNext("EMQX", "1");
    await held.asked;
    await kit.kubectl(["delete", "emqx", "gone", "-n", ns]);
    held.release();

    const deleted = await waitForHint(hints, { name: "gone", cause: "deleted" });
    expect(deleted.uid).toBe(goneUid);
    const crs = forwarder.stats().informers[`EMQX@${ns}`];
    expect(crs?.relists).toBe(1);
    expect(forwarder.stats().tracker.synthesizedDeletes).toBe(1);
    await forwarder.stop();
    await bus.idle();
    expect(hints.filter((h) => h.name === "keep").map((h) => `${h.cause}:${h.uid}`)).toEqual([
      `resync:${keepUid}`,
    ]);
    await bus.close();
  });

  it("restarts idle watches from their last resourceVersion and loses no change", async () => {
    const ns = await namespace("fwd-idle");
    const { bus, hints } = collectingBus();
    await createCr(ns, "broker");
    const forwarder = await forwardNamespace(ns, bus, {
      watch: { timeoutSeconds: 120, idleTimeoutMs: 1200 },
    });
    const versions: string[] = [];
    for (let step = 0; step < 4; step++) {
      await new Promise((resolve) => setTimeout(resolve, 700 + step * 300));
      versions.push(await annotate(ns, "broker", String(step)));
    }
    for (const rv of versions)
      await waitForHint(hints, { name: "broker", cause: "modified", resourceVersion: rv });
    const crs = forwarder.stats().informers[`EMQX@${ns}`];
    expect(crs?.ends.idle).toBeGreaterThanOrEqual(1);
    expect(crs?.relists).toBe(0);
    await forwarder.stop();
    await bus.close();
  });

  it("R26 keeps serving a healthy cluster while another cluster of the same process is unreachable", async () => {
    const ns = await namespace("fwd-multi");
    const { bus, hints } = collectingBus();
    const shared = createHintBatcher({ publisher: bus, windowMs: 20 });
    const dead = new KubeGateway({
      kubeConfig: kubeTargetFromEndpoint({ server: "https://127.0.0.1:1", skipTLSVerify: true }),
    });
    const broken = track(
      startForwarder({
        cluster: "dead",
        kube: dead,
        batcher: shared,
        backoff: { baseMs: 50, maxMs: 200 },
      }),
    );
    const healthy = track(
      startForwarder({ cluster: "sbx", kube: kit.gateway, batcher: shared, namespaces: [ns] }),
    );
    await healthy.ready;
    const uid = await createCr(ns, "broker");
    await waitForHint(hints, { cluster: "sbx", name: "broker", cause: "added", uid });

    const deadStats = broken.stats();
    expect(deadStats.ready).toBe(false);
    expect(Object.values(deadStats.informers).every((i) => i.failures > 0 && i.lists === 0)).toBe(true);
    await Promise.all([broken.stop(), healthy.stop()]);
    await expect(broken.ready).rejects.toThrow(/stopped before its initial lists/);
    expect(await shared.close()).toBe(0);
    await dead.close();
    await bus.close();
  });

  it("puts in each hint the digest per kind of exactly the children the reconcile's list by label returns", async () => {
    const ns = await namespace("fwd-digest");
    const { bus, hints } = collectingBus();
    const forwarder = await forwardNamespace(ns, bus, { childDigests: true });
    await createCr(ns, "broker");
    const labelled = (name: string, instance: string, managedBy = MANAGED_BY) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name,
        namespace: ns,
        labels: { [LABEL_INSTANCE]: instance, [LABEL_MANAGED_BY]: managedBy },
      },
      data: { a: "1" },
    });
    for (const cm of [
      labelled("broker-configs", "broker"),
      labelled("broker-extra", "broker"),
      labelled("other-configs", "other"),
      labelled("foreign", "broker", "helm"),
    ])
      await kit.kubectl(["apply", "-f", "-"], JSON.stringify(cm));
    await run(`delete cm broker-extra -n ${ns}`);
    await run(`label cm broker-configs -n ${ns} test/step=1`);
    const listed = async () => {
      const out: Record<string, string | undefined> = {};
      for (const kind of OWNED_KINDS)
        out[kind] = digestOf((await kit.gateway.listOwned(kind, ns, "broker")) as KubeObject[]);
      return out;
    };
    const expected = await listed();
    await expect
      .poll(() => hints.filter((h) => h.name === "broker").at(-1)?.childDigests, { timeout: 15_000 })
      .toEqual(expected);
    expect(expected.ConfigMap).not.toBe(EMPTY_DIGEST);
    await forwarder.stop();
    await bus.close();
  });
});
