/**
 * One reconciler per cluster: leader election over a `coordination.k8s.io/v1` Lease, with client-go's semantics.
 * A process holds the Lease while it renews it; another one waits, and takes it over when the holder releases it
 * (a clean stop) or stops renewing for a whole lease duration (a crash). Expiry is judged on this process's own
 * clock, from when it last saw the Lease change, so clocks that disagree between machines do not matter. Every
 * write carries the resourceVersion just read, so two waiters cannot both take an expired Lease.
 */

import { type LeaseSpec, microTime, type StoredLease } from "@emqx-reconciler/adapters";
import { monotonicMs } from "@emqx-reconciler/api";

/** The Lease reads and writes the election needs (adapters' `LeaseStore`). */
export interface LeasePort {
  get(): Promise<StoredLease | undefined>;
  /** `undefined` when another process created it first. */
  create(spec: LeaseSpec): Promise<StoredLease | undefined>;
  /** `undefined` when the Lease changed since `resourceVersion` was read. */
  replace(resourceVersion: string, spec: LeaseSpec): Promise<StoredLease | undefined>;
}

/** Timings of the election; client-go's leader-election defaults are 15 s / 10 s / 2 s. */
export interface LeaderLeaseTimings {
  /** How long a holder that stopped renewing keeps the Lease. @default 15_000 */
  leaseDurationMs: number;
  /** How often the holder renews. @default 5_000 */
  renewIntervalMs: number;
  /** How often a waiter looks again. @default 1_000 */
  retryIntervalMs: number;
}

/** Default {@link LeaderLeaseTimings}: a crashed holder is replaced within 15 s of its last renewal plus a retry. */
export const LEADER_LEASE_DEFAULTS: Readonly<LeaderLeaseTimings> = Object.freeze({
  leaseDurationMs: 15_000,
  renewIntervalMs: 5_000,
  retryIntervalMs: 1_000,
});

/** Options of {@link createLeaderLease}. */
export interface LeaderLeaseOptions extends Partial<LeaderLeaseTimings> {
  port: LeasePort;
  /** This process: `holderIdentity` while it leads. Unique per process (host and pid, say). */
  identity: string;
  /** Told once per holder seen while waiting. */
  onWaiting?: (holder: string) => void;
  /** Told when a renewal failed (the Lease is kept until it expires). */
  onRenewFailed?: (error: unknown) => void;
  /** Monotonic milliseconds. @default monotonicMs */
  now?: () => number;
  /** Wall-clock time for the Lease's `acquireTime` / `renewTime`. @default () => new Date() */
  wallClock?: () => Date;
}

/** The election of one process. */
export interface LeaderLease {
  /** Resolves once this process holds the Lease; rejects with the signal's reason when aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Resolves with the new holder ("" when unknown) if the Lease is lost after {@link acquire}. */
  readonly lost: Promise<string>;
  /** Stops renewing and, if held, hands the Lease back at once (holder cleared) so a waiter takes over now. */
  release(): Promise<void>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Creates the election of `identity` over the Lease behind `port`.
 *
 * @example
 * const lease = createLeaderLease({ port: new LeaseStore(http, "default", "emqx-reconciler"), identity: `${host}-${pid}` });
 * await lease.acquire(signal); // … lead …; await lease.release();
 */
export function createLeaderLease(options: LeaderLeaseOptions): LeaderLease {
  const timings = { ...LEADER_LEASE_DEFAULTS, ...options };
  const now = options.now ?? monotonicMs;
  const wall = options.wallClock ?? (() => new Date());
  const { port, identity } = options;
  const durationSeconds = Math.max(1, Math.round(timings.leaseDurationMs / 1000));
  let current: StoredLease | undefined;
  /** When this process last saw the Lease change (its own clock), and what it saw. */
  let observedAt = 0;
  let observedKey = "";
  let released = false;
  let lastRenewal = 0;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  let markLost: (holder: string) => void = () => undefined;
  const lost = new Promise<string>((resolve) => {
    markLost = resolve;
  });

  function observe(lease: StoredLease): void {
    const key = `${lease.resourceVersion}/${lease.spec.holderIdentity ?? ""}/${lease.spec.renewTime ?? ""}`;
    if (key !== observedKey) {
      observedKey = key;
      observedAt = now();
    }
    current = lease;
  }

  function heldByOther(lease: StoredLease): string | undefined {
    const holder = lease.spec.holderIdentity ?? "";
    if (holder === "" || holder === identity) return undefined;
    const durationMs = (lease.spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    return observedAt + durationMs > now() ? holder : undefined;
  }

  /**
   * One attempt to take or renew the Lease: `true` when this process holds it afterwards, the holder's identity
   * when another process holds it, `""` when a racing write won (look again next time).
   */
  async function tryAcquireOrRenew(): Promise<true | string> {
    const time = wall();
    if (current && current.spec.holderIdentity === identity && !released) {
      // The holder renews from the version it last wrote, one request instead of a read and a write (client-go's
      // fast path); a conflict means someone else wrote it, and the full read below says who.
      const renewed = await port.replace(current.resourceVersion, renewalOf(current.spec, time));
      if (renewed) {
        observe(renewed);
        return true;
      }
    }
    const existing = await port.get();
    if (!existing) {
      const spec: LeaseSpec = {
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: microTime(time),
        renewTime: microTime(time),
        leaseTransitions: 0,
      };
      const created = await port.create(spec);
      if (!created) return "";
      observe(created);
      return true;
    }
    observe(existing);
    const other = heldByOther(existing);
    if (other !== undefined) return other;
    const written = await port.replace(existing.resourceVersion, renewalOf(existing.spec, time));
    if (!written) return "";
    observe(written);
    return true;
  }

  /** The spec this process writes over `held` at `time`: a renewal when it holds it, else a takeover. */
  function renewalOf(held: LeaseSpec, time: Date): LeaseSpec {
    const mine = held.holderIdentity === identity;
    return {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: mine ? held.acquireTime : microTime(time),
      renewTime: microTime(time),
      leaseTransitions: (held.leaseTransitions ?? 0) + (mine ? 0 : 1),
    };
  }

  function scheduleRenewal(): void {
    renewTimer = setTimeout(async () => {
      if (released) return;
      try {
        const outcome = await tryAcquireOrRenew();
        if (outcome === true) lastRenewal = now();
        else if (outcome !== "" || now() - lastRenewal >= timings.leaseDurationMs) return markLost(outcome);
      } catch (error) {
        options.onRenewFailed?.(error);
        // Past the lease duration another process may hold it already: stop leading.
        if (now() - lastRenewal >= timings.leaseDurationMs) return markLost("");
      }
      if (!released) scheduleRenewal();
    }, timings.renewIntervalMs);
    renewTimer.unref?.();
  }

  return {
    lost,
    async acquire(signal) {
      let toldHolder: string | undefined;
      for (;;) {
        signal?.throwIfAborted();
        let outcome: true | string;
        try {
          outcome = await tryAcquireOrRenew();
        } catch (error) {
          options.onRenewFailed?.(error);
          outcome = "";
        }
        if (outcome === true) {
          lastRenewal = now();
          scheduleRenewal();
          return;
        }
        if (outcome !== "" && outcome !== toldHolder) {
          toldHolder = outcome;
          options.onWaiting?.(outcome);
        }
        await sleep(timings.retryIntervalMs, signal);
      }
    },
    async release() {
      released = true;
      if (renewTimer) clearTimeout(renewTimer);
      const lease = current;
      if (!lease || lease.spec.holderIdentity !== identity) return;
      const time = microTime(wall());
      await port
        .replace(lease.resourceVersion, {
          ...lease.spec,
          holderIdentity: "",
          leaseDurationSeconds: 1,
          renewTime: time,
        })
        .catch(() => undefined);
    },
  };
}
