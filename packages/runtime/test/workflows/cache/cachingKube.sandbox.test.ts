/**
 * The read cache and its caching port on the real sandbox: a cache that lags behind the apiserver never leads
 * to a wrong write (the writes that depend on freshness carry the resourceVersion or UID they were planned from
 * and are refused), a watch gap answered 410 Gone relists and the cache follows, and a warm pass reads nothing
 * from the apiserver.
 */
import { isKubeError, KubeErrorKind, type KubeObject, OWNED_KINDS } from "@emqx-reconciler/adapters";
import { CONTROLLER_API_KEY, SECRET_KEY_BOOTSTRAP } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCachingKube } from "../../../src/workflows/cache/cachingKube.ts";
import { ObjectCache } from "../../../src/workflows/cache/objectCache.ts";
import { startForwarder } from "../../../src/workflows/forward/forwarder.ts";
import { CHILD_SELECTOR } from "../../../src/workflows/forward/keyMapper.ts";
import { reconcile } from "../../../src/workflows/reconcile.ts";
import { collectingBus, emqxManifest, holdingKube } from "../forward/sandboxKit.ts";
import { applySeed, openSandboxPorts, reconcileUntilConverged, type SandboxPorts } from "../sandboxPorts.ts";

let world: SandboxPorts;
beforeAll(async () => {
  world = await openSandboxPorts();
});
afterAll(async () => {
  await world?.gateway.close();
});

/** Fills `cache` with what the apiserver holds now in `namespace` for `kinds`, as the forwarder's lists do. */
async function listInto(
  cache: ObjectCache,
  namespace: string,
  kinds: ReadonlyArray<"EMQX" | (typeof OWNED_KINDS)[number]>,
) {
  for (const kind of kinds) {
    const labelSelector = kind === "EMQX" ? undefined : CHILD_SELECTOR;
    const list = await world.gateway.list(kind, {
      namespace,
      labelSelector,
      metadataOnly: kind === "Secret",
    });
    cache.replaceScope({ kind, namespace, labelSelector }, list.items, list.resourceVersion);
  }
}

/** `kind/name → resourceVersion` of every child (pods left out: kwok and the kubelet move them on their own). */
async function childVersions(namespace: string): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const kind of OWNED_KINDS.filter((k) => k !== "Pod")) {
    const list = await world.gateway.list(kind, { namespace, labelSelector: CHILD_SELECTOR });
    for (const item of list.items)
      versions[`${kind}/${item.metadata?.name}`] = item.metadata?.resourceVersion ?? "";
  }
  return versions;
}

async function refusal(write: Promise<unknown>): Promise<string> {
  try {
    await write;
    return "written";
  } catch (error) {
    return isKubeError(error) ? error.kind : String(error);
  }
}

describe("the read cache on the sandbox", () => {
  it("a stale cached CR makes no write: the status and CR writes planned from it are refused, the children stay", async () => {
    const ns = `cache-stale-${process.pid}`;
    await applySeed(world, ns);
    const stale = new ObjectCache();
    // The CR as it was when applied (no status, no annotations), as a lagging EMQX watch would still hold it
    // after another writer converged the cluster.
    await listInto(stale, ns, ["EMQX"]);
    await reconcileUntilConverged(world, ns, "emqx");
    await listInto(stale, ns, OWNED_KINDS);
    const before = await world.gateway.getEmqx(ns, "emqx");
    const children = await childVersions(ns);

    const { kube } = createCachingKube(world.gateway, stale);
    const result = await reconcile(
      { ...world.reconcileDeps, kube },
      { cluster: "sandbox", namespace: ns, name: "emqx" },
    );

    expect(result).toMatchObject({ outcome: "progressing", requeueAfterSeconds: 1 });
    const after = await world.gateway.getEmqx(ns, "emqx");
    expect(after?.metadata?.resourceVersion).toBe(before?.metadata?.resourceVersion);
    expect(after?.status).toEqual(before?.status);
    expect(await childVersions(ns)).toEqual(children);

    // Once the cache has caught up, the same port converges with no write and no read from the apiserver.
    await listInto(stale, ns, ["EMQX"]);
    world.gateway.resetStats();
    const warm = await reconcile(
      { ...world.reconcileDeps, kube },
      { cluster: "sandbox", namespace: ns, name: "emqx" },
    );
    expect(warm).toMatchObject({ outcome: "converged", writes: 0 });
    expect(world.gateway.stats()).toMatchObject({ reads: 0, writes: 0 });
  });

  it("a stale cached set cannot be scaled or deleted: its resourceVersion and UID guards refuse", async () => {
    const ns = `cache-guards-${process.pid}`;
    await world.gateway.createIfAbsent({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    const labels = { "apps.emqx.io/instance": "emqx", "apps.emqx.io/managed-by": "emqx-operator" };
    const template = {
      metadata: { labels },
      spec: { containers: [{ name: "emqx", image: "emqx/emqx:6.0.1" }] },
    };
    await world.gateway.apply({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "emqx-r", namespace: ns, labels },
      spec: { replicas: 0, selector: { matchLabels: labels }, template },
    });
    const cache = new ObjectCache();
    await listInto(cache, ns, ["ReplicaSet"]);
    const cached = cache.get("ReplicaSet", ns, "emqx-r") as KubeObject;
    const { kube } = createCachingKube(world.gateway, cache);

    // Someone else changes the set; the cache does not see it.
    await world.sandbox.kubectl(["annotate", "-n", ns, "replicaset/emqx-r", "moved=yes"]);
    expect(
      await refusal(kube.setReplicas("ReplicaSet", ns, "emqx-r", 2, cached.metadata?.resourceVersion ?? "")),
    ).toBe(KubeErrorKind.Conflict);

    // Someone else replaces the set under the same name; deleting the cached one is refused by its UID.
    await world.sandbox.kubectl(["delete", "-n", ns, "replicaset/emqx-r", "--wait=true"]);
    await world.gateway.apply({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "emqx-r", namespace: ns, labels },
      spec: { replicas: 0, selector: { matchLabels: labels }, template },
    });
    const ref = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      namespace: ns,
      name: "emqx-r",
      uid: cached.metadata?.uid ?? "",
    };
    expect(await refusal(kube.delete(ref))).toBe(KubeErrorKind.Conflict);
    const live = await world.gateway.get("ReplicaSet", ns, "emqx-r");
    expect(live?.metadata?.uid).not.toBe(cached.metadata?.uid);
    expect(live?.spec).toMatchObject({ replicas: 0 });
  });

  it("the EMQX API credential of a bootstrap-key Secret it created is answered without a read, once, and only while the Secret stands as created", async () => {
    const ns = `cache-credential-${process.pid}`;
    await world.gateway.createIfAbsent({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    const cache = new ObjectCache();
    await listInto(cache, ns, ["Secret"]);
    const caching = createCachingKube(world.gateway, cache);
    const bootstrapKey = (instance: string, password: string) => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: `${instance}-bootstrap-api-key`,
        namespace: ns,
        labels: { "apps.emqx.io/instance": instance, "apps.emqx.io/managed-by": "emqx-operator" },
      },
      stringData: { [SECRET_KEY_BOOTSTRAP]: `${CONTROLLER_API_KEY}:${password}` },
    });
    const expected = (password: string) => ({ username: CONTROLLER_API_KEY, password });

    expect((await caching.kube.createIfAbsent(bootstrapKey("emqx", "p".repeat(32)))).outcome).toBe("created");
    const before = caching.stats();
    expect(await caching.kube.readBootstrapCredential(ns, "emqx")).toEqual(expected("p".repeat(32)));
    expect(caching.stats()).toEqual({ hits: before.hits + 1, misses: before.misses });
    // Only once: a later read (after a 401, say) asks the apiserver.
    expect(await caching.kube.readBootstrapCredential(ns, "emqx")).toEqual(expected("p".repeat(32)));
    expect(caching.stats().misses).toBe(before.misses + 1);

    // Someone changes the Secret after the create, and the cache sees it: the remembered value is not used.
    await caching.kube.createIfAbsent(bootstrapKey("other", "q".repeat(32)));
    await world.gateway.apply({
      ...bootstrapKey("other", "r".repeat(32)),
      metadata: { ...bootstrapKey("other", "").metadata },
    });
    await listInto(cache, ns, ["Secret"]);
    const misses = caching.stats().misses;
    expect(await caching.kube.readBootstrapCredential(ns, "other")).toEqual(expected("r".repeat(32)));
    expect(caching.stats().misses).toBe(misses + 1);
  });

  it("the answer of a write that comes back after its object's DELETED event does not bring the object back", async () => {
    // Seen in the chaos suite: a pass patched a pod the ReplicaSet was deleting, the watch delivered the DELETED
    // event first, the patch's answer then put the terminating pod back in the cache for good, and every later
    // pass waited for that pod to go (a blue-green update stuck with its old ReplicaSet at 6 of 7).
    const ns = `cache-zombie-${process.pid}`;
    await world.gateway.createIfAbsent({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    const configMap = (value: string) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "emqx-configs",
        namespace: ns,
        labels: { "apps.emqx.io/instance": "emqx", "apps.emqx.io/managed-by": "emqx-operator" },
      },
      data: { value },
    });
    await world.gateway.apply(configMap("first"));
    const cache = new ObjectCache();
    const { bus } = collectingBus();
    const forwarder = startForwarder({
      cluster: "sbx",
      kube: world.gateway,
      publisher: bus,
      namespaces: [ns],
      cache,
    });
    // The apiserver applies the write at once; its answer reaches the caching port only when released.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const gateway = world.gateway;
    const lateAnswers = new Proxy(gateway, {
      get(target, property) {
        if (property === "apply")
          return async (obj: KubeObject, options?: { dryRun?: boolean }) => {
            const stored = await target.apply(obj, options);
            await released;
            return stored;
          };
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const held = () => cache.get("ConfigMap", ns, "emqx-configs");
    try {
      await forwarder.ready;
      expect(held()?.data).toEqual({ value: "first" });
      const { kube } = createCachingKube(lateAnswers, cache);
      const write = kube.apply(configMap("second"));
      await expect.poll(() => held()?.data, { timeout: 15_000 }).toEqual({ value: "second" });
      await world.sandbox.kubectl(["delete", "-n", ns, "configmap/emqx-configs", "--wait=true"]);
      await expect.poll(held, { timeout: 15_000 }).toBeUndefined();

      release();
      const answer = (await write) as KubeObject;
      expect(answer.data).toEqual({ value: "second" });
      expect(held()).toBeUndefined();
      expect(cache.list("ConfigMap", ns)).toEqual([]);

      // A create afterwards, whose answer may come before its ADDED event, is still taken in.
      const created = await createCachingKube(gateway, cache).kube.apply(configMap("third"));
      expect(held()?.metadata?.uid).toBe(created.metadata?.uid);
    } finally {
      release();
      await forwarder.stop();
      await bus.close();
    }
  });

  it("a watch gap answered 410 Gone relists: the cache drops what was deleted and takes what was created meanwhile", async () => {
    const ns = `cache-gone-${process.pid}`;
    await world.gateway.createIfAbsent({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    const create = (name: string) =>
      world.sandbox.kubectl(["apply", "-f", "-"], { input: emqxManifest(ns, name) });
    await create("before");
    const cache = new ObjectCache();
    const holding = holdingKube(world.gateway);
    const { bus } = collectingBus();
    const forwarder = startForwarder({
      cluster: "sbx",
      kube: holding.kube,
      publisher: bus,
      namespaces: [ns],
      cache,
      watch: { timeoutSeconds: 2 },
    });
    const names = () => cache.list("EMQX", ns).map((c) => c.metadata?.name);
    try {
      await forwarder.ready;
      expect(names()).toEqual(["before"]);
      // The next EMQX watch restarts from resourceVersion "1", older than the apiserver's history: a real 410.
      const held = holding.holdNext("EMQX", "1");
      await held.asked;
      await world.sandbox.kubectl(["delete", "-n", ns, "emqx/before"]);
      await create("during");
      held.release();
      await expect.poll(names, { timeout: 15_000 }).toEqual(["during"]);
      expect(forwarder.stats().informers[`EMQX@${ns}`]?.relists).toBe(1);
    } finally {
      await forwarder.stop();
      await bus.close();
    }
  });
});
