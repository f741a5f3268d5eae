/**
 * The Lease that makes `run` the only reconciler of a cluster (or of its `--namespace`): a second process waits,
 * says so in its log and live table, and takes over when the first one stops or its Lease expires.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { KubeHttp, type KubeTarget, LeaseStore } from "@emqx-reconciler/adapters";
import { createLeaderLease, type LeaderLease, type LeaderLeaseTimings } from "@emqx-reconciler/runtime";
import type { CliLogger } from "./log.ts";

/** Name of the Lease of `run`. */
export const RUN_LEASE_NAME = "emqx-reconciler";

/** Options of {@link openRunLease}. */
export interface RunLeaseOptions {
  kubeConfig: KubeTarget;
  /** Where the Lease lives: the served namespace, or `default` when serving them all. */
  namespace: string;
  logger: CliLogger;
  /** Shows the waiting state at the top of the live table. */
  setStatus: (text: string) => void;
  timings?: Partial<LeaderLeaseTimings>;
}

/** The election of this process, and the connection it uses. */
export interface RunLease {
  readonly lease: LeaderLease;
  readonly identity: string;
  /** `namespace/name` of the Lease. */
  readonly where: string;
  /** Hands the Lease back (if held) and closes the connection. */
  close(): Promise<void>;
}

/** A process identity unique across hosts and restarts: `host-pid-random`. */
export function runIdentity(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** Opens the election of this `run` process; nothing is written until `lease.acquire()`. */
export function openRunLease(options: RunLeaseOptions): RunLease {
  const http = new KubeHttp({ kubeConfig: options.kubeConfig, requestTimeoutMs: 5_000 });
  const identity = runIdentity();
  const where = `${options.namespace}/${RUN_LEASE_NAME}`;
  const lease = createLeaderLease({
    ...options.timings,
    port: new LeaseStore(http, options.namespace, RUN_LEASE_NAME),
    identity,
    onWaiting(holder) {
      options.setStatus(`waiting: Lease ${where} is held by ${holder}`);
      options.logger.info("Waiting for the Lease: another reconciler holds it", { lease: where, holder });
    },
    onRenewFailed(error) {
      options.logger.warn("Lease request failed", { lease: where, error: (error as Error).message });
    },
  });
  return {
    lease,
    identity,
    where,
    async close() {
      await lease.release();
      await http.close();
    },
  };
}
