/**
 * The deployed shape as plain data: which function each rule, queue and schedule drives, with every retry,
 * retention and timeout written down. The SST files build exactly this, and the topology test checks it (rules
 * against the api's patterns, handlers against the functions package) without SST or AWS.
 */
import { busPatterns } from "@emqx-reconciler/api";
import type { HandlerName } from "@emqx-reconciler/functions/handlers";

/** How a function is triggered. */
export type Trigger =
  | { kind: "rule"; rule: keyof typeof rules }
  | { kind: "queue"; queue: keyof typeof queues }
  | { kind: "schedule"; schedule: "status" | "forwarder" };

/** One Lambda function: its handler file, limits and trigger. */
export interface FunctionSpec {
  timeoutSeconds: number;
  memoryMb: number;
  trigger: Trigger;
}

/** Lambda async retries (0–2) for rule- and schedule-driven functions before the failure destination. */
export const ASYNC_RETRIES = 2;
/** Oldest async event Lambda still runs (not the 6 h default): a hint older than this is covered by the resync. */
export const ASYNC_MAX_EVENT_AGE_SECONDS = 3600;
/** EventBridge target retries (not the 24 h / 185 default): hand-off failures beyond this go to the rule DLQ. */
export const RULE_RETRY = { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 } as const;
/** DLQs keep failures for the full 14 days SQS allows, so a weekend's incident can still be replayed. */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;
/** Log groups keep a month. */
export const LOG_RETENTION = "1 month" as const;

/** Lambda functions by handler name (`packages/functions/src/<name>.handler`). */
export const functions = {
  admit: { timeoutSeconds: 10, memoryMb: 256, trigger: { kind: "rule", rule: "reconcileHints" } },
  reconcile: { timeoutSeconds: 60, memoryMb: 512, trigger: { kind: "queue", queue: "reconcile" } },
  requeue: { timeoutSeconds: 10, memoryMb: 256, trigger: { kind: "queue", queue: "delay" } },
  status: { timeoutSeconds: 60, memoryMb: 512, trigger: { kind: "schedule", schedule: "status" } },
  forwarder: { timeoutSeconds: 330, memoryMb: 512, trigger: { kind: "schedule", schedule: "forwarder" } },
  scale: { timeoutSeconds: 20, memoryMb: 512, trigger: { kind: "rule", rule: "scaleRequests" } },
} as const satisfies Record<HandlerName, FunctionSpec>;

/** Bus rules; each pattern is the api's own object, the one the embedded bus matches. */
export const rules = {
  reconcileHints: { pattern: busPatterns.reconcileHints, target: "admit" },
  scaleRequests: { pattern: busPatterns.scaleRequests, target: "scale" },
} as const;

/** Queues. The FIFO queue's visibility timeout is 6× the reconcile timeout, as Lambda's SQS guide asks. */
export const queues = {
  reconcile: {
    fifo: true,
    visibilityTimeoutSeconds: 360,
    retentionSeconds: 4 * 24 * 3600,
    maxReceiveCount: 5,
    batchSize: 10,
  },
  delay: {
    fifo: false,
    visibilityTimeoutSeconds: 60,
    retentionSeconds: 4 * 24 * 3600,
    maxReceiveCount: 5,
    batchSize: 10,
  },
} as const;

/**
 * Schedules; cadences come from the deploy environment (`EMQX_STATUS_SCHEDULE`, `EMQX_FORWARDER_SCHEDULE`,
 * `EMQX_FORWARDER_RESYNC_SECONDS`). One watch window an hour resyncs every CR (a reconcile each): the others
 * forward changes only, since overlapping windows see every change; a cluster a container has not watched yet is
 * resynced at once.
 */
export const schedules = {
  status: { defaultSchedule: "rate(1 minute)" },
  forwarder: { defaultSchedule: "rate(5 minutes)", windowSeconds: 310, resyncSeconds: 3600 },
} as const;

/** Who may put `ReconcileHint` events on the bus: the forwarder's role, plus principals named at deploy time. */
export const HINT_PUBLISHERS = ["forwarder"] as const satisfies readonly HandlerName[];
