/**
 * What the forwarder's sandbox tests share: the real apiserver of the test run's sandbox with our CRD, a
 * namespace per test, a real embedded bus collecting the hints it routes with the hint pattern, and a wrapper
 * that can hold a watch (re)start at the gateway boundary — to make a change "during the gap" on purpose, or
 * to restart a watch from a compacted resourceVersion so the real apiserver answers 410 Gone.
 */
import {
  type KindName,
  KubeGateway,
  loadKubeconfigFile,
  type WatchEnd,
  type WatchHandle,
  type WatchOptions,
} from "@emqx-reconciler/adapters";
import { API_VERSION, busPatterns, CRD_NAME, type Hint, KIND, renderCrdYaml } from "@emqx-reconciler/api";
import { type Sandbox, useTestSandbox } from "@emqx-reconciler/sandbox";
import { expect } from "vitest";
import { createEmbeddedBus, type EmbeddedBus } from "../../../src/embedded/bus.ts";
import type { ForwarderKube } from "../../../src/workflows/forward/types.ts";

export interface Kit {
  sandbox: Sandbox;
  gateway: KubeGateway;
  /** Runs the sandbox's kubectl; throws with its stderr on failure; returns stdout. */
  kubectl(args: string[], input?: string): Promise<string>;
}

/** The sandbox with our CRD installed and established. */
export async function setupKit(): Promise<Kit> {
  const sandbox = await useTestSandbox();
  const kubectl = async (args: string[], input?: string) => {
    const result = await sandbox.kubectl(args, input === undefined ? undefined : { input });
    if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  await kubectl(["apply", "-f", "-"], renderCrdYaml());
  await kubectl(["wait", "--for", "condition=established", `crd/${CRD_NAME}`, "--timeout=60s"]);
  return {
    sandbox,
    gateway: new KubeGateway({ kubeConfig: loadKubeconfigFile(sandbox.kubeconfigPath) }),
    kubectl,
  };
}

/** A fresh namespace; the returned function deletes it (without waiting). */
export async function useNamespace(kit: Kit, prefix: string): Promise<[string, () => Promise<void>]> {
  const ns = `${prefix}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  await kit.kubectl(["create", "namespace", ns]);
  return [ns, async () => void (await kit.kubectl(["delete", "namespace", ns, "--wait=false"]))];
}

/** A minimal EMQX CR manifest. */
export function emqxManifest(namespace: string, name: string): string {
  return JSON.stringify({
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name, namespace },
    spec: { image: "emqx/emqx:6.0.1" },
  });
}

/** A real embedded bus whose one rule (the api's hint pattern) collects every hint delivered. */
export function collectingBus(): { bus: EmbeddedBus; hints: Hint[] } {
  const bus = createEmbeddedBus();
  const hints: Hint[] = [];
  bus.addRule({
    name: "collect",
    pattern: busPatterns.reconcileHints,
    target: (event) => void hints.push(event.detail as Hint),
  });
  return { bus, hints };
}

/** Waits until a hint matching `match` has been delivered, and returns it. */
export async function waitForHint(hints: Hint[], match: Partial<Hint>, timeout = 15_000): Promise<Hint> {
  const matches = (h: Hint) => Object.entries(match).every(([k, v]) => h[k as keyof Hint] === v);
  await expect.poll(() => hints.some(matches), { timeout, message: JSON.stringify(match) }).toBe(true);
  return hints.find(matches) as Hint;
}

/**
 * The real gateway, with a switch to hold the next watch of one kind: `holdNext(kind, rewrite?)` returns a
 * promise that resolves once the informer asked for that watch (so the previous one has ended), and a
 * `release()` that opens it — from the resourceVersion the informer asked for, or from `rewrite`'s answer.
 */
export function holdingKube(gateway: KubeGateway) {
  let hold:
    | { kind: KindName; rewrite?: string; asked: () => void; gate: Promise<void>; open: () => void }
    | undefined;
  const kube: ForwarderKube = {
    list: (kind, options) => gateway.list(kind, options),
    watchKind(kind, options, onEvent, onDone) {
      if (!hold || hold.kind !== kind) return gateway.watchKind(kind, options, onEvent, onDone);
      const { gate, rewrite, asked, open } = hold;
      hold = undefined;
      asked();
      let inner: WatchHandle | undefined;
      let stopped = false;
      const done = gate.then((): Promise<WatchEnd> => {
        if (stopped) return Promise.resolve({ reason: "stopped", resourceVersion: options.resourceVersion });
        const from: WatchOptions = { ...options, resourceVersion: rewrite ?? options.resourceVersion };
        inner = gateway.watchKind(kind, from, onEvent, onDone);
        return inner.done;
      });
      return {
        stop: () => {
          stopped = true;
          open();
          inner?.stop();
        },
        done,
      };
    },
  };
  return {
    kube,
    holdNext(kind: KindName, rewrite?: string) {
      let open: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const asked = new Promise<void>((resolve) => {
        hold = { kind, rewrite, asked: resolve, gate, open };
      });
      return { asked, release: () => open() };
    },
  };
}
