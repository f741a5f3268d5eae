/**
 * Fault switches: per pod or per cluster, set through the admin API, consulted on every emulated request. A pod
 * switch beats a cluster switch. `hang` requests wait until their switch changes, then are answered normally.
 */
import { EventEmitter } from "node:events";
import * as z from "zod";

/** The faults a switch can hold; `none` clears it. */
export const FaultKind = {
  Unauthorized: "unauthorized",
  ServerError: "server-error",
  Hang: "hang",
  Slow: "slow",
  Garbage: "garbage",
  Truncated: "truncated",
  NodeStopped: "node-stopped",
  None: "none",
} as const;
/** One of {@link FaultKind}'s values. */
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

const FAULT_KINDS = Object.values(FaultKind) as [FaultKind, ...FaultKind[]];
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Whom a switch applies to: every pod of a cluster, or one pod (`namespace/pod`). */
export const FaultTargetSchema = z.union([
  z
    .object({
      namespace: z.string().regex(K8S_NAME, "must be a Kubernetes namespace name"),
      name: z.string().regex(K8S_NAME, "must be an EMQX CR name"),
    })
    .strict(),
  z.object({ pod: z.string().regex(/^[a-z0-9-.]+\/[a-z0-9-.]+$/, "must be 'namespace/pod'") }).strict(),
]);
/** See {@link FaultTargetSchema}. */
export type FaultTarget = z.infer<typeof FaultTargetSchema>;

/** Body of `PUT /faults`. `delayMs` is the delay of `slow` (default 2000). */
export const FaultRequestSchema = z
  .object({
    target: FaultTargetSchema,
    fault: z.enum(FAULT_KINDS),
    delayMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();
/** See {@link FaultRequestSchema}. */
export type FaultRequest = z.infer<typeof FaultRequestSchema>;

/** An active switch. */
export interface ActiveFault {
  readonly target: FaultTarget;
  readonly fault: Exclude<FaultKind, "none">;
  readonly delayMs: number;
}

/** Default delay of the `slow` fault. */
export const DEFAULT_SLOW_MS = 2000;

/** The set of active switches. */
export class FaultRegistry {
  readonly #faults = new Map<string, ActiveFault>();
  readonly #changes = new EventEmitter();

  constructor() {
    this.#changes.setMaxListeners(0);
  }

  /** Sets (or with `none` clears) one switch. */
  set(request: FaultRequest): void {
    const key = targetKey(request.target);
    if (request.fault === FaultKind.None) this.#faults.delete(key);
    else
      this.#faults.set(key, {
        target: request.target,
        fault: request.fault,
        delayMs: request.delayMs ?? DEFAULT_SLOW_MS,
      });
    this.#changes.emit("change");
  }

  /** Clears every switch and releases hung requests. */
  clear(): void {
    this.#faults.clear();
    this.#changes.emit("change");
  }

  /** Every active switch. */
  list(): ActiveFault[] {
    return [...this.#faults.values()];
  }

  /** The switch that applies to a pod of a cluster, if any. */
  find(podKey: string, clusterKey: string): ActiveFault | undefined {
    return this.#faults.get(`pod:${podKey}`) ?? this.#faults.get(`cluster:${clusterKey}`);
  }

  /** Resolves when the switch for this pod is no longer `hang`, or when `signal` aborts. */
  async waitWhileHung(podKey: string, clusterKey: string, signal: AbortSignal): Promise<void> {
    while (this.find(podKey, clusterKey)?.fault === FaultKind.Hang && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#changes.off("change", done);
          signal.removeEventListener("abort", done);
          resolve();
        };
        this.#changes.on("change", done);
        signal.addEventListener("abort", done, { once: true });
      });
    }
  }
}

function targetKey(target: FaultTarget): string {
  return "pod" in target ? `pod:${target.pod}` : `cluster:${target.namespace}/${target.name}`;
}
