import {
  KubeError,
  type KubeObject,
  type ListResult,
  type WatchEnd,
  type WatchEvent,
  type WatchOptions,
} from "@emqx-reconciler/adapters";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/ports.ts";
import { type InformerOptions, startInformer } from "../../../src/workflows/forward/informer.ts";
import type { ForwarderKube } from "../../../src/workflows/forward/types.ts";
import { emqx } from "./fixtures.ts";

/** One scripted watch: what it delivers and how it ends, after `afterMs`. */
interface ScriptedWatch {
  events?: WatchEvent[];
  end: (rv: string) => WatchEnd;
  afterMs?: number;
}

/**
 * The gateway's list/watch boundary, scripted: lists answer from `lists` (an Error entry is thrown), watches
 * play `watches` in order and then hang until stopped. Records every call's resourceVersion.
 */
function scriptedKube(lists: Array<ListResult<KubeObject> | Error>, watches: ScriptedWatch[]) {
  const calls = { lists: 0, watchFrom: [] as string[] };
  const kube: ForwarderKube = {
    async list() {
      const next = lists[Math.min(calls.lists++, lists.length - 1)];
      if (next instanceof Error) throw next;
      return next as ListResult<KubeObject>;
    },
    watchKind(_kind, options: WatchOptions, onEvent) {
      calls.watchFrom.push(options.resourceVersion);
      const script = watches.shift();
      let stop: (end: WatchEnd) => void = () => undefined;
      const done = new Promise<WatchEnd>((resolve) => {
        stop = resolve;
        if (!script) return;
        setTimeout(() => {
          let rv = options.resourceVersion;
          for (const event of script.events ?? []) {
            rv = event.object.metadata?.resourceVersion ?? rv;
            onEvent(event);
          }
          resolve(script.end(rv));
        }, script.afterMs ?? 1100);
      });
      return { stop: () => stop({ reason: "stopped", resourceVersion: options.resourceVersion }), done };
    },
  };
  return { kube, calls };
}

/** Starts an informer over `kube` that records lists and events in `seen`; `stop` aborts it and awaits its end. */
function start(kube: ForwarderKube, seen: string[] = [], extra: Partial<InformerOptions> = {}) {
  const controller = new AbortController();
  const signal = controller.signal;
  const options: InformerOptions = {
    kube,
    scope: { kind: "EMQX", namespace: undefined },
    timings: { timeoutSeconds: 1, idleTimeoutMs: 1000 },
    backoff: { baseMs: 10, maxMs: 50, random: () => 0.5 },
    signal,
    logger: silentLogger,
    logFields: {},
    onList: (items, mode) => seen.push(`${mode}:${items.length}`),
    onEvent: (event) => seen.push(`${event.type}:${event.object.metadata?.resourceVersion}`),
    ...extra,
  };
  const informer = startInformer(options);
  return {
    ...informer,
    async stop() {
      controller.abort();
      await informer.done;
    },
  };
}

describe("startInformer", () => {
  it("R12 resumes from the last resourceVersion (bookmarks included) after a clean end or an idle end", async () => {
    const bookmark: WatchEvent = { type: "BOOKMARK", object: { metadata: { resourceVersion: "12" } } };
    const { kube, calls } = scriptedKube(
      [{ items: [emqx("a")], resourceVersion: "10" }],
      [
        {
          events: [{ type: "MODIFIED", object: emqx("a", { resourceVersion: "11" }) }],
          end: (rv) => ({ reason: "closed", resourceVersion: rv }),
        },
        { events: [bookmark], end: (rv) => ({ reason: "idle", resourceVersion: rv }) },
      ],
    );
    const seen: string[] = [];
    const informer = start(kube, seen);
    await expect.poll(() => calls.watchFrom.length, { timeout: 5000 }).toBe(3);
    await informer.stop();
    expect(calls.watchFrom).toEqual(["10", "11", "12"]);
    expect(seen).toEqual(["initial:1", "MODIFIED:11", "BOOKMARK:12"]);
    expect(informer.stats()).toMatchObject({
      lists: 1,
      relists: 0,
      ends: { closed: 1, idle: 1, stopped: 1 },
    });
  });

  it("R13 relists on 410 Gone, whether it comes as a watch end or as a 410 error", async () => {
    const { kube, calls } = scriptedKube(
      [
        { items: [], resourceVersion: "5" },
        { items: [emqx("a")], resourceVersion: "50" },
        { items: [], resourceVersion: "60" },
      ],
      [
        { end: (rv) => ({ reason: "gone", resourceVersion: rv }), afterMs: 1 },
        {
          end: (rv) => ({
            reason: "error",
            resourceVersion: rv,
            error: new KubeError("WATCH: 410 Expired", { kind: "retryable", status: 410 }),
          }),
          afterMs: 1,
        },
      ],
    );
    const seen: string[] = [];
    const informer = start(kube, seen);
    await expect.poll(() => calls.watchFrom.length, { timeout: 5000 }).toBe(3);
    await informer.stop();
    expect(seen).toEqual(["initial:0", "relist:1", "relist:0"]);
    expect(calls.watchFrom).toEqual(["5", "50", "60"]);
  });

  it("R21 backs off on 429 without relisting, honouring Retry-After", async () => {
    const throttled = new KubeError("WATCH: 429", { kind: "retryable", status: 429, retryAfterSeconds: 1 });
    const { kube, calls } = scriptedKube(
      [{ items: [], resourceVersion: "7" }],
      [{ end: (rv) => ({ reason: "error", resourceVersion: rv, error: throttled }), afterMs: 1 }],
    );
    const informer = start(kube);
    const started = Date.now();
    await expect.poll(() => calls.watchFrom.length, { timeout: 5000 }).toBe(2);
    const waited = Date.now() - started;
    await informer.stop();
    expect(waited).toBeGreaterThanOrEqual(1000);
    expect(calls).toEqual({ lists: 1, watchFrom: ["7", "7"] });
    expect(informer.stats().lastError).toContain("429");
  });

  it("retries a failing list with backoff and is listed once it succeeds", async () => {
    const { kube, calls } = scriptedKube(
      [
        new Error("connect ECONNREFUSED"),
        new Error("connect ECONNREFUSED"),
        { items: [], resourceVersion: "3" },
      ],
      [],
    );
    const informer = start(kube);
    await informer.listed;
    expect(calls.lists).toBe(3);
    expect(informer.stats().failures).toBe(0);
    await informer.stop();
  });

  it("backs off between relists when even a watch from a fresh list gets 410 (no relist storm)", async () => {
    const gone = (rv: string): WatchEnd => ({ reason: "gone", resourceVersion: rv });
    const { kube, calls } = scriptedKube(
      [{ items: [], resourceVersion: "1" }],
      [
        { end: gone, afterMs: 1 },
        { end: gone, afterMs: 1 },
      ],
    );
    const informer = start(kube);
    await expect.poll(() => calls.watchFrom.length, { timeout: 5000 }).toBe(3);
    await informer.stop();
    expect(calls.lists).toBe(3);
    expect(informer.stats().relists).toBe(2);
    expect(informer.stats().lastError).toContain("Watch ended at once (gone)");
  });

  it("stops at once even while a list hangs", async () => {
    const kube: ForwarderKube = {
      list: () => new Promise(() => undefined),
      watchKind: () => {
        throw new Error("no watch without a list");
      },
    };
    const informer = start(kube);
    await informer.stop();
    expect(informer.stats().lists).toBe(0);
  });

  it("treats a watch that ends at once without events as a failure (no hot loop)", async () => {
    const quick = (rv: string): WatchEnd => ({ reason: "closed", resourceVersion: rv });
    const { kube, calls } = scriptedKube(
      [{ items: [], resourceVersion: "1" }],
      [
        { end: quick, afterMs: 1 },
        { end: quick, afterMs: 1 },
        { end: quick, afterMs: 1 },
      ],
    );
    const informer = start(kube);
    await expect.poll(() => calls.watchFrom.length, { timeout: 5000 }).toBe(4);
    expect(informer.stats().failures).toBe(3);
    await informer.stop();
  });

  it("an optional kind whose CRD is missing reads as empty, is listed again only after the recheck, and comes and goes", async () => {
    const notFound = () => new KubeError("LIST rebalances: 404", { kind: "not-found", status: 404 });
    const { kube, calls } = scriptedKube(
      [notFound(), notFound(), { items: [emqx("r")], resourceVersion: "20" }, notFound()],
      [
        {
          end: (rv) => ({
            reason: "error",
            resourceVersion: rv,
            error: new KubeError("WATCH rebalances: 404", { kind: "not-found", status: 404 }),
          }),
          afterMs: 1,
        },
      ],
    );
    const seen: string[] = [];
    const informer = start(kube, seen, { absentRecheckMs: 300 });
    await informer.listed;
    expect(seen).toEqual(["initial:0"]);
    expect(calls.lists).toBe(1);
    // Installed (third list), watched, removed (the watch's 404), then missing again (fourth list).
    await expect.poll(() => calls.lists, { timeout: 5000 }).toBe(4);
    await informer.stop();
    expect(seen).toEqual(["initial:0", "relist:1", "relist:0"]);
    expect(calls.watchFrom).toEqual(["20"]);
    expect(informer.stats()).toMatchObject({ absent: 4, failures: 0, lists: 1 });
  });

  it("without absentRecheckMs a 404 is a failure like any other", async () => {
    const { kube, calls } = scriptedKube(
      [
        new KubeError("LIST rebalances: 404", { kind: "not-found", status: 404 }),
        { items: [], resourceVersion: "1" },
      ],
      [],
    );
    const seen: string[] = [];
    const informer = start(kube, seen);
    await informer.listed;
    await informer.stop();
    expect(calls.lists).toBe(2);
    expect(seen).toEqual(["initial:0"]);
    expect(informer.stats().absent).toBe(0);
  });

  it("an optional kind it may list but not watch is reported unavailable and looked at again after the recheck", async () => {
    const forbidden = (rv: string): WatchEnd => ({
      reason: "error",
      resourceVersion: rv,
      error: new KubeError("WATCH rebalances: 403", { kind: "retryable", status: 403 }),
    });
    const { kube, calls } = scriptedKube(
      [{ items: [emqx("r")], resourceVersion: "20" }],
      [
        { end: forbidden, afterMs: 1 },
        { end: forbidden, afterMs: 1 },
      ],
    );
    const seen: string[] = [];
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    const informer = start(kube, seen, {
      absentRecheckMs: 200,
      onUnavailable: () => seen.push("unavailable"),
      logger,
    });
    await expect.poll(() => calls.lists, { timeout: 5000 }).toBe(3);
    await informer.stop();
    // Each list makes the scope current for a moment, so each forbidden watch drops it again; one warning says so.
    expect(seen.slice(0, 4)).toEqual(["initial:1", "unavailable", "relist:1", "unavailable"]);
    expect(warnings).toEqual([
      "Not allowed to list and watch EMQX; read without the cache, looking again later",
    ]);
    expect(calls.watchFrom.slice(0, 2)).toEqual(["20", "20"]);
    expect(informer.stats().failures).toBe(0);
  });
});
