/**
 * The reconciler exactly as `emqx-reconciler run` composes it (`startReconciler`: gateway, EMQX API factory,
 * workflows, embedded runtime, forwarder), in the test's process and limited to the test's namespace, with its JSON
 * log lines kept for assertions.
 */

import { type KubeTarget, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import type { PodPolicy, SecretRefPolicy } from "@emqx-reconciler/api";
import { createLogger, type RunningReconciler, StatusBoard, startReconciler } from "emqx-reconciler";
import type { Testbed } from "./testbed.ts";

/** Cluster id of the in-process reconcilers: the first part of every hint key. */
export const E2E_CLUSTER = "e2e";

/** A running in-process reconciler and what it logged. */
export interface EmbeddedReconciler {
  readonly reconciler: RunningReconciler;
  /** Every log line so far, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  /** The work-queue key of a CR of this namespace. */
  keyOf(name: string): string;
  /**
   * Runs a resync and a status refresh now and waits until the bus and the queue are idle, so that an assertion
   * of "nothing changed" follows a full round of the loop.
   */
  settle(): Promise<void>;
  /** Stops the loop (running reconciles finish) and closes its connections. */
  stop(): Promise<void>;
}

/** Options of {@link startEmbedded}. */
export interface EmbeddedOptions {
  /** The passes' clock, e.g. one a test moves ahead past a grace period. @default the system clock */
  clock?: { now(): Date };
  /** Who the reconciler is (e.g. a ServiceAccount bound only by the printed RBAC). @default the sandbox's admin */
  kubeConfig?: KubeTarget;
  /** The pod-template policy (`run --pod-policy`). @default open */
  podPolicy?: PodPolicy;
  /** Which Secrets `bootstrapAPIKeys[].secretRef` may read (`run --secret-refs`). @default any */
  secretRefs?: SecretRefPolicy;
  /** Serve every namespace (as `run` without `--namespace`) instead of the test's one. */
  allNamespaces?: boolean;
  /** How often a missing Rebalance CRD is looked for again. @default run's */
  rebalanceCrdRecheckMs?: number;
}

/** Starts the reconciler of `run` for one namespace of the sandbox. */
export async function startEmbedded(
  testbed: Testbed,
  namespace: string,
  options: EmbeddedOptions = {},
): Promise<EmbeddedReconciler> {
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    format: "json",
    verbose: true,
    write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
  });
  const reconciler = await startReconciler({
    kubeConfig: options.kubeConfig ?? loadKubeconfigFile(testbed.sandbox.kubeconfigPath),
    cluster: E2E_CLUSTER,
    ...(options.allNamespaces ? {} : { namespace }),
    logger,
    board: new StatusBoard(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.podPolicy ? { podPolicy: options.podPolicy } : {}),
    ...(options.secretRefs ? { secretRefs: options.secretRefs } : {}),
    ...(options.rebalanceCrdRecheckMs ? { rebalanceCrdRecheckMs: options.rebalanceCrdRecheckMs } : {}),
  });
  return {
    reconciler,
    logs,
    keyOf: (name) => `${E2E_CLUSTER}/${namespace}/${name}`,
    async settle() {
      const { runtime } = reconciler;
      await runtime.resyncNow();
      await runtime.bus.idle();
      await runtime.queue.idle();
      await runtime.refreshStatusNow();
      await runtime.bus.idle();
      await runtime.queue.idle();
    },
    async stop() {
      await reconciler.stop();
      await reconciler.gateway.close();
    },
  };
}
