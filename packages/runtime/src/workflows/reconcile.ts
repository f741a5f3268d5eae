/**
 * The reconcile workflow: a key in, its observed state re-read, core's pure
 * `plan`, its writes carried out in the contract's order, the status written only when it changed.
 */
import {
  isKubeError,
  isNamespaceTerminatingError,
  KubeErrorKind,
  type KubeObject,
} from "@emqx-reconciler/adapters";
import { ConditionType, childNames, EventReason, type Hint } from "@emqx-reconciler/api";
import { type Observed, type Plan, plan, statusDiffers } from "@emqx-reconciler/core";
import type { ReconcileDeps } from "../ports.ts";
import { auditChanges, auditRecord, auditsAsEvent, foldIntoAudit, publishAudit } from "./audit.ts";
import { applyChildren, createSecrets } from "./childWrites.ts";
import { forceLeaveNodes } from "./forceLeave.ts";
import { publishStatusLifecycle } from "./lifecyclePublish.ts";
import { readEmqxView } from "./readEmqxView.ts";
import { readObserved } from "./readObserved.ts";
import { reportWriteFailure, shouldReport, writeFailureOf } from "./reconcileFailure.ts";
import {
  annotatePods,
  deleteChildren,
  freshPassState,
  type Pass,
  type PassState,
  pushConfig,
  recordEvents,
  requeueIn,
  STALE_RETRY_SECONDS,
  scaleSets,
  setPodGates,
  startEvacuation,
} from "./reconcileWrites.ts";
import { computeTransition, transitionEntry } from "./statusTransitions.ts";
import { writeStatus } from "./statusWrite.ts";
import { isStaleReadError, retryableFailure, WorkflowError } from "./workflowErrors.ts";

/** Names one CR. `cluster` says which cluster the deps reach (they serve exactly one). */
export interface ReconcileKey {
  cluster: string;
  namespace: string;
  name: string;
}

/**
 * How a pass ended. `converged`: Ready, and the pass had nothing to write. `failing`: a write failed for good or
 * again; the `ReconcileFailed` condition says which, and the pass asks to run again after a capped backoff.
 */
export type ReconcileOutcomeKind =
  | "absent"
  | "deleting"
  | "invalid"
  | "failing"
  | "converged"
  | "progressing";

/** What the caller knows of this key's earlier tries. */
export interface ReconcileOptions {
  /**
   * Passes of this key that failed in a row just before this one (the work queue's requeue count, SQS's receive
   * count minus one). A write that fails once is retried quietly; failing again, it is reported.
   * @default 0
   */
  previousFailures?: number;
}

/** What a pass did and asks for. */
export interface ReconcileResult {
  /** Run again after this many seconds (waiting on time or on the EMQX API, never on Kubernetes). */
  requeueAfterSeconds?: number;
  outcome: ReconcileOutcomeKind;
  /** Writes that changed something: Kubernetes objects, status, Events, and EMQX config pushes / evacuations. */
  writes: number;
}

function isTrue(p: Plan, type: string): boolean {
  return p.status.conditions?.some((c) => c.type === type && c.status === "True") ?? false;
}

/** The random values `plan` may use, generated only when a create-only Secret is missing. */
function randomFor(deps: ReconcileDeps, cr: KubeObject, observed: Observed) {
  const names = childNames(cr.metadata?.name ?? "");
  const has = (name: string) => observed.secrets.some((s) => s.name === name);
  return {
    password: has(names.bootstrapApiKey) ? "" : deps.random.password(),
    cookie: has(names.nodeCookie) ? "" : deps.random.cookie(),
  };
}

async function performWrites(pass: Pass, p: Plan): Promise<void> {
  await createSecrets(pass, p.create as KubeObject[]);
  await applyChildren(pass, p.apply as KubeObject[]);
  await deleteChildren(pass, p.delete);
  await annotatePods(pass, p.podAnnotations);
  await scaleSets(pass, p.scale);
  await forceLeaveNodes(pass, p.forceLeave);
  await setPodGates(pass, p.podConditions);
  await startEvacuation(pass, p.evacuation);
  await pushConfig(pass, p.configPush, p.crAnnotations);
}

/**
 * Writes the status when it changed (409 → run again soon) and publishes the transition it made. Answers whether
 * the CR now holds that status: `false` when the write was refused because the CR moved.
 */
async function finishStatus(
  pass: Pass,
  key: ReconcileKey,
  status: Plan["status"],
  changed: boolean,
): Promise<boolean> {
  const { deps, cr } = pass;
  if (!changed) return true;
  const stored = await writeStatus(deps.kube, cr, pass.state.resourceVersion, status);
  if (!stored) {
    // The Ready this status would have brought is not stored: no Event may say it.
    pass.state.skippedEvents.add(EventReason.Ready);
    requeueIn(pass, STALE_RETRY_SECONDS);
    return false;
  }
  pass.state.writes++;
  pass.state.resourceVersion = stored.metadata?.resourceVersion;
  const transition = computeTransition(key.cluster, cr, cr.status, status, deps.clock.now());
  const transitionEntries = transition ? [transitionEntry(transition)] : [];
  await publishStatusLifecycle(
    deps.publisher,
    deps.logger,
    key.cluster,
    cr,
    status,
    deps.clock.now(),
    transitionEntries,
  );
  return true;
}

/**
 * Runs the writes and the status write; a write failure that is terminal or repeats is reported (condition, one
 * Warning event) and turns into a backoff, anything else propagates to {@link reconcile}'s classification.
 */
async function writeOrReport(
  pass: Pass,
  key: ReconcileKey,
  p: Plan,
  previousFailures: number,
): Promise<number | undefined> {
  try {
    await performWrites(pass, p);
    await finishStatus(pass, key, p.status, p.statusChanged);
    return undefined;
  } catch (error) {
    const failure = writeFailureOf(error);
    if (!failure || isStaleReadError(error) || isNamespaceTerminatingError(error) || !isKubeError(error)) {
      throw error;
    }
    if (!shouldReport(error, previousFailures, pass.cr.status)) throw error;
    const outcome = await reportWriteFailure(
      pass,
      p,
      failure,
      (status) => finishStatus(pass, key, status, statusDiffers(pass.cr.status, status)),
      STALE_RETRY_SECONDS,
    );
    return outcome.requeueAfterSeconds;
  }
}

/** Reads what `plan` needs (children, then the EMQX API), plans, writes, and says what to do next. */
async function runPass(
  deps: ReconcileDeps,
  cr: KubeObject,
  state: PassState,
  key: ReconcileKey,
  hint: Hint | undefined,
  previousFailures: number,
): Promise<ReconcileResult> {
  const observed = await readObserved(deps.kube, cr);
  const session = await readEmqxView(deps.emqxApi, cr, observed, deps.logger);
  const pass: Pass = { deps, cr, observed, emqxClient: session.emqxClient, state };
  const p = plan({
    emqx: cr as Parameters<typeof plan>[0]["emqx"],
    observed,
    api: session.emqxView,
    now: deps.clock.now(),
    random: randomFor(deps, cr, observed),
    ...(deps.limits ? { limits: deps.limits } : {}),
    ...(deps.podPolicy ? { podPolicy: deps.podPolicy } : {}),
    ...(deps.secretRefs ? { secretRefs: deps.secretRefs } : {}),
  });
  const backoff = await writeOrReport(pass, key, p, previousFailures);
  if (backoff !== undefined) {
    return { outcome: "failing", writes: state.writes, requeueAfterSeconds: backoff };
  }
  const changed = state.writes;
  const changes = changed > 0 ? auditChanges(cr, pass.observed, p) : [];
  const { own, notes } = foldIntoAudit(p.events, state.skippedEvents);
  await recordEvents(pass, auditsAsEvent(changes) ? own : p.events);
  if (changed > 0) {
    const record = auditRecord({
      cluster: key.cluster,
      cr,
      changes,
      notes,
      writes: changed,
      hint,
      now: deps.clock.now(),
    });
    if (await publishAudit(deps, cr, record)) state.writes++;
  }
  if (p.requeueAfterSeconds !== undefined) requeueIn(pass, p.requeueAfterSeconds);
  const requeue = state.requeueAfterSeconds;
  const outcome = isTrue(p, ConditionType.InvalidSpec)
    ? "invalid"
    : isTrue(p, ConditionType.Ready) && state.writes === 0 && requeue === undefined
      ? "converged"
      : "progressing";
  if (state.writes > 0 || outcome === "invalid") {
    deps.logger.info("Reconciled EMQX", {
      ...key,
      outcome,
      writes: state.writes,
      cause: hint?.cause,
      requeue,
    });
  }
  return {
    outcome,
    writes: state.writes,
    ...(requeue !== undefined ? { requeueAfterSeconds: requeue } : {}),
  };
}

/**
 * Reconciles one CR: absent or being deleted → nothing (garbage collection removes the children); otherwise one
 * full pass. The hint is advisory (logged only): the pass reads everything itself, so duplicate, reordered and
 * stale hints change nothing.
 *
 * Failures: the observed state moving under a write (409, 404) → `progressing` with a requeue in 1 s; a create refused
 * because the namespace is being deleted → `deleting`, nothing reported (the namespace's deletion removes the CR
 * next); a write the apiserver
 * refuses for good (422, a typed-patch 500), or any write failing again (`options.previousFailures` > 0, or a
 * failure already on the CR) → `ReconcileFailed` condition naming the object and the field, one Warning event per
 * distinct failure, outcome `failing` with a backoff doubling from 5 s to 5 min; the first pass whose writes all
 * succeed clears the condition. A transient failure seen once → a retryable {@link WorkflowError} for the
 * caller's quiet retry. The EMQX API failing is not a failure of the pass: the status
 * keeps the last good node lists and the plan asks for a later run.
 *
 * @example const r = await reconcile(deps, { cluster: "local", namespace: "default", name: "emqx" });
 */
export async function reconcile(
  deps: ReconcileDeps,
  key: ReconcileKey,
  hint?: Hint,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  let cr: KubeObject | undefined;
  try {
    cr = await deps.kube.getEmqx(key.namespace, key.name);
  } catch (error) {
    throw retryableFailure(`read EMQX ${key.namespace}/${key.name}`, error);
  }
  if (!cr) return { outcome: "absent", writes: 0 };
  if (cr.metadata?.deletionTimestamp) return { outcome: "deleting", writes: 0 };
  const state = freshPassState(cr);
  try {
    return await runPass(deps, cr, state, key, hint, options.previousFailures ?? 0);
  } catch (error) {
    if (isStaleReadError(error)) {
      deps.logger.info("Requeued: the cluster changed during the pass", { ...key, writes: state.writes });
      return { outcome: "progressing", writes: state.writes, requeueAfterSeconds: STALE_RETRY_SECONDS };
    }
    if (isNamespaceTerminatingError(error)) {
      // The namespace's deletion removes the CR next; its children are not made again, nothing is reported.
      deps.logger.info("Stopped: the namespace is being deleted", { ...key, writes: state.writes });
      return { outcome: "deleting", writes: state.writes };
    }
    if (isKubeError(error, KubeErrorKind.Terminal)) {
      throw new WorkflowError(
        `reconcile ${key.namespace}/${key.name}: ${error.message}`,
        { kind: "terminal" },
        { cause: error },
      );
    }
    throw retryableFailure(`reconcile ${key.namespace}/${key.name}`, error);
  }
}
