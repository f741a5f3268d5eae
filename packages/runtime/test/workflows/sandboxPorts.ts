/**
 * Shared setup of the workflow tests on the real sandbox: the CRD installed with server-side apply, a fresh
 * namespace with the seed example applied verbatim by the sandbox's kubectl, real ports (gateway, EMQX client
 * factory, crypto randomness) and recording logger and publisher.
 */
import { join } from "node:path";
import { KubeGateway, type KubeObject, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { CRD_NAME, renderCrd } from "@emqx-reconciler/api";
import { type Sandbox, useTestSandbox } from "@emqx-reconciler/sandbox";
import type { KubePort, ReconcileDeps, StatusDeps } from "../../src/ports.ts";
import { createEmqxApiFactory } from "../../src/workflows/emqxApiFactory.ts";
import { type ReconcileResult, reconcile } from "../../src/workflows/reconcile.ts";
import { cryptoRandom, systemClock } from "../../src/workflows/systemSources.ts";
import { RecordingLogger, RecordingPublisher } from "./recorders.ts";

/** The seed example of the repository, applied as a user would. */
export const SEED_EXAMPLE = join(import.meta.dirname, "../../../../examples/emqx-core-replicant.yaml");

/** The real ports on the sandbox. */
export interface SandboxPorts {
  sandbox: Sandbox;
  gateway: KubeGateway;
  logger: RecordingLogger;
  publisher: RecordingPublisher;
  reconcileDeps: ReconcileDeps;
  statusDeps: StatusDeps;
}

/**
 * The sandbox's gateway, running `act` (a user's kubectl, say) once, right after the first StatefulSet apply of a
 * pass went through: what the rest of that pass meets is what `act` left.
 */
export function actingAfterStatefulSet(
  ports: SandboxPorts,
  act: () => Promise<void>,
): { kube: KubePort; acted: () => boolean } {
  let acted = false;
  const kube = new Proxy(ports.gateway, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property !== "apply") return value.bind(target);
      return async (object: { kind?: string }, ...rest: unknown[]) => {
        const stored = await value.call(target, object, ...rest);
        if (object.kind === "StatefulSet" && !acted) {
          await act();
          acted = true;
        }
        return stored;
      };
    },
  });
  return { kube, acted: () => acted };
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `probe` yields a value, or fails naming what it waited for. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Starts (or attaches to) the run's sandbox, installs the CRD and builds the real ports. */
export async function openSandboxPorts(): Promise<SandboxPorts> {
  const sandbox = await useTestSandbox();
  const gateway = new KubeGateway({ kubeConfig: loadKubeconfigFile(sandbox.kubeconfigPath) });
  await gateway.apply(renderCrd() as KubeObject);
  await waitFor("the EMQX CRD to be established", async () => {
    const crd = await gateway.get("CustomResourceDefinition", undefined, CRD_NAME);
    const conditions = (crd?.status as { conditions?: Array<{ type: string; status: string }> })?.conditions;
    return conditions?.some((c) => c.type === "Established" && c.status === "True") ? true : undefined;
  });
  const logger = new RecordingLogger();
  const publisher = new RecordingPublisher();
  const emqxApi = createEmqxApiFactory({ kube: gateway, timeoutMs: 3_000 });
  const base = { kube: gateway, emqxApi, clock: systemClock, logger };
  return {
    sandbox,
    gateway,
    logger,
    publisher,
    reconcileDeps: { ...base, random: cryptoRandom, publisher },
    statusDeps: { ...base, publisher },
  };
}

/** Creates a fresh namespace and applies the seed example into it with the sandbox's kubectl. */
export async function applySeed(ports: SandboxPorts, namespace: string): Promise<void> {
  await ports.gateway.createIfAbsent({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  const applied = await ports.sandbox.kubectl(["apply", "-n", namespace, "-f", SEED_EXAMPLE]);
  if (applied.code !== 0) throw new Error(`kubectl apply failed: ${applied.stderr}`);
}

/** Merge-patches the spec of EMQX `name` with the sandbox's kubectl, as a user would; fails on a refusal. */
export async function patchSpec(
  ports: SandboxPorts,
  namespace: string,
  spec: Record<string, unknown>,
  name = "emqx",
): Promise<void> {
  const patch = JSON.stringify({ spec });
  const patched = await ports.sandbox.kubectl([
    "patch",
    "emqx",
    name,
    "-n",
    namespace,
    "--type=merge",
    "-p",
    patch,
  ]);
  if (patched.code !== 0) throw new Error(`kubectl patch failed: ${patched.stderr}`);
}

/**
 * Calls `reconcile` in a loop, as the queue would (sleeping the asked requeue, else a short pause for the
 * controllers and kwok to move), until the outcome is `converged` or the deadline passes.
 */
export async function reconcileUntilConverged(
  ports: SandboxPorts,
  namespace: string,
  name: string,
  timeoutMs = 90_000,
): Promise<ReconcileResult[]> {
  const results: ReconcileResult[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const result = await reconcile(ports.reconcileDeps, { cluster: "sandbox", namespace, name });
    results.push(result);
    if (result.outcome === "converged") return results;
    const seconds = result.requeueAfterSeconds;
    await sleep(seconds !== undefined ? Math.min(seconds * 1000, 1_000) : 250);
  }
  throw new Error(`not converged in ${timeoutMs} ms: ${JSON.stringify(results.slice(-5))}`);
}
