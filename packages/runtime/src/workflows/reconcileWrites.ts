/**
 * Carrying out a plan's writes, each step in the order of core's plan contract, counting only writes that changed
 * something. A step that finds what was read has moved (a UID or resourceVersion precondition failed, the object vanished)
 * is dropped and the pass asks to run again soon; it never forces its way.
 */
import {
  EmqxApiError,
  isKubeError,
  isNamespaceTerminatingError,
  KubeErrorKind,
  type KubeObject,
} from "@emqx-reconciler/adapters";
import { CONDITION_ON_SERVING, EventReason } from "@emqx-reconciler/api";
import type {
  ConfigPush,
  DeleteRef,
  EvacuationStart,
  Observed,
  PlannedEvent,
  PodAnnotationChange,
  PodConditionChange,
  ScaleStep,
} from "@emqx-reconciler/core";
import type { EmqxApi, ReconcileDeps } from "../ports.ts";
import { crRef } from "./readObserved.ts";
import { isStaleReadError } from "./workflowErrors.ts";

/** Re-run soon after what was read moved under a step (the operator's 1 s for "common" errors). */
export const STALE_RETRY_SECONDS = 1;
/** Re-run after an EMQX write failed on the way (timeout, 5xx). */
export const EMQX_WRITE_RETRY_SECONDS = 5;

/** One pass: its dependencies, the CR and what was read about it, fixed once read; and what it counts as it writes. */
export interface Pass {
  readonly deps: ReconcileDeps;
  readonly cr: KubeObject;
  readonly observed: Observed;
  /** The EMQX API client the view was read with; the plan's EMQX writes go through it. */
  readonly emqxClient: EmqxApi | undefined;
  readonly state: PassState;
}

/** What a pass counts and learns while it writes. */
export interface PassState {
  /** Writes that changed something. */
  writes: number;
  requeueAfterSeconds?: number;
  /** Reasons of planned events whose step did not happen (their event would be untrue). */
  skippedEvents: Set<string>;
  /** The CR's resourceVersion after our own metadata writes: the status write is guarded by it. */
  resourceVersion: string | undefined;
}

/** The state of a pass over `cr` before its first write. */
export function freshPassState(cr: KubeObject): PassState {
  return { writes: 0, skippedEvents: new Set(), resourceVersion: cr.metadata?.resourceVersion };
}

/** Asks for another run after `seconds`, keeping the soonest request. */
export function requeueIn(pass: Pass, seconds: number): void {
  pass.state.requeueAfterSeconds = Math.min(pass.state.requeueAfterSeconds ?? seconds, seconds);
}

/** Deletes retired sets (and their claims), each only if its UID is still the one planned. */
export async function deleteChildren(pass: Pass, refs: readonly DeleteRef[]): Promise<void> {
  for (const ref of refs) {
    const { kube, logger } = pass.deps;
    try {
      const done = await kube.delete(ref);
      if (done === "deleted") pass.state.writes++;
      logger.info(`Deleted ${ref.kind}`, { ...crRef(pass.cr), child: ref.name });
    } catch (error) {
      if (!isKubeError(error, KubeErrorKind.Conflict)) throw error;
      logger.warn(`Skipped deleting ${ref.kind}: replaced since it was read`, {
        ...crRef(pass.cr),
        child: ref.name,
      });
    }
  }
}

/** The deletion-cost annotation of the next ReplicaSet victim. */
export async function annotatePods(pass: Pass, changes: readonly PodAnnotationChange[]): Promise<void> {
  const { namespace } = crRef(pass.cr);
  for (const change of changes) {
    await pass.deps.kube.patchPodAnnotations(namespace, change.pod, change.annotations);
    pass.state.writes++;
  }
}

/** One blue-green scale-down step, guarded by the set's resourceVersion; someone moving first drops it. */
export async function scaleSets(pass: Pass, steps: readonly ScaleStep[]): Promise<void> {
  const { namespace } = crRef(pass.cr);
  for (const step of steps) {
    try {
      await pass.deps.kube.setReplicas(step.kind, namespace, step.name, step.replicas, step.resourceVersion);
      pass.state.writes++;
      pass.deps.logger.info(`Scaled ${step.kind}`, { namespace, child: step.name, replicas: step.replicas });
    } catch (error) {
      if (!isStaleReadError(error)) throw error;
      pass.state.skippedEvents.add(EventReason.Scaled);
      requeueIn(pass, STALE_RETRY_SECONDS);
    }
  }
}

/** The `apps.emqx.io/on-serving` readiness gates, in parallel; a pod that vanished meanwhile is skipped. */
export async function setPodGates(pass: Pass, changes: readonly PodConditionChange[]): Promise<void> {
  const results = await Promise.all(
    changes.map(async (change) => {
      const pod = pass.observed.pods.find((p) => p.metadata?.uid === change.uid);
      if (!pod) return false;
      try {
        const condition = { type: CONDITION_ON_SERVING, status: change.status };
        return await pass.deps.kube.setPodCondition(
          pod as Parameters<ReconcileDeps["kube"]["setPodCondition"]>[0],
          condition,
        );
      } catch (error) {
        if (!isStaleReadError(error)) throw error;
        return false;
      }
    }),
  );
  pass.state.writes += results.filter(Boolean).length;
}

function emqxWriteFailed(pass: Pass, what: string, error: unknown, eventReason: string): void {
  if (!(error instanceof EmqxApiError)) throw error;
  pass.state.skippedEvents.add(eventReason);
  pass.deps.logger.warn(`Failed to ${what}`, { ...crRef(pass.cr), error: error.message, kind: error.kind });
  if (error.kind !== "rejected") requeueIn(pass, EMQX_WRITE_RETRY_SECONDS);
}

/** Starts evacuating the next victim (Enterprise); "already started" counts as started. */
export async function startEvacuation(pass: Pass, evacuation: EvacuationStart | undefined): Promise<void> {
  if (!evacuation || !pass.emqxClient) return;
  const { node, ...body } = evacuation;
  try {
    await pass.emqxClient.startEvacuation(node, body);
    pass.state.writes++;
  } catch (error) {
    emqxWriteFailed(pass, "start a node evacuation", error, EventReason.NodeEvacuation);
  }
}

/**
 * Pushes a changed `config.data` to EMQX, then records it in the CR's annotation; the annotation is written only
 * after the push succeeded, so a failed push is tried again by a later pass. A refused config is reported with a
 * Warning event and not retried until `config.data` changes.
 */
export async function pushConfig(
  pass: Pass,
  push: ConfigPush | undefined,
  annotations: Record<string, string> | undefined,
): Promise<void> {
  if (push) {
    if (!pass.emqxClient) return;
    try {
      await pass.emqxClient.putConfigs(push.body, push.mode);
      pass.state.writes++;
    } catch (error) {
      emqxWriteFailed(pass, "update the EMQX config", error, EventReason.ConfigUpdated);
      if (error instanceof EmqxApiError && error.kind === "rejected") {
        await recordEvents(pass, [
          {
            type: "Warning",
            reason: EventReason.ReconcilerFailed,
            message: `EMQX refused spec.config.data: ${error.message}`,
          },
        ]);
      }
      return;
    }
  }
  if (!annotations) return;
  const { namespace, name } = crRef(pass.cr);
  const patched = await pass.deps.kube.patchCrAnnotations(
    namespace,
    name,
    annotations,
    pass.state.resourceVersion,
  );
  pass.state.resourceVersion = patched.metadata?.resourceVersion;
  pass.state.writes++;
}

/**
 * Records events on the CR; a failure is logged, never fatal (events report, they do not decide). In a namespace
 * being deleted no Event can be made: the rest are skipped with one info line.
 */
export async function recordEvents(pass: Pass, events: readonly PlannedEvent[]): Promise<void> {
  for (const event of events) {
    if (pass.state.skippedEvents.has(event.reason)) continue;
    try {
      await pass.deps.kube.recordEvent(pass.cr, event);
      pass.state.writes++;
    } catch (error) {
      if (isNamespaceTerminatingError(error)) {
        pass.deps.logger.info("Events not recorded: the namespace is being deleted", crRef(pass.cr));
        return;
      }
      pass.deps.logger.warn("Failed to record Event", {
        ...crRef(pass.cr),
        reason: event.reason,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
