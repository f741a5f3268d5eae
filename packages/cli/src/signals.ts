/**
 * Ctrl-C handling of the long-running verbs: the first SIGINT or SIGTERM asks for a clean shutdown, the second
 * for a quick one (stop waiting for reconciles, still stop what was started), the third exits at once.
 */

/** The two levels of "please stop", as abort signals. */
export interface StopSignals {
  /** Aborted by the first SIGINT/SIGTERM. */
  readonly stop: AbortSignal;
  /** Aborted by the second. */
  readonly force: AbortSignal;
  /** Resolves on the first signal, with its name. */
  readonly stopped: Promise<NodeJS.Signals>;
  /** Removes the handlers (the process then reacts to signals as usual). */
  dispose(): void;
}

/** Exit code of a process ended by SIGINT, by shell convention. */
export const EXIT_INTERRUPTED = 130;

/**
 * Installs the handlers. `onSignal` hears each one with its count (1, 2, …), for a message to the user.
 *
 * @example const signals = watchStopSignals((n) => n === 2 && console.error("forcing")); await signals.stopped;
 */
export function watchStopSignals(
  onSignal: (count: number, signal: NodeJS.Signals) => void = () => undefined,
): StopSignals {
  const stop = new AbortController();
  const force = new AbortController();
  let count = 0;
  let resolveStopped: (signal: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    resolveStopped = resolve;
  });
  const handler = (signal: NodeJS.Signals) => {
    count++;
    onSignal(count, signal);
    if (count === 1) {
      stop.abort(new Error(`${signal} received`));
      resolveStopped(signal);
    } else if (count === 2) force.abort(new Error(`second ${signal} received`));
    else process.exit(EXIT_INTERRUPTED);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    stop: stop.signal,
    force: force.signal,
    stopped,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

/**
 * After a long-running verb has stopped everything it started, keep-alive sockets or a library's timer must not
 * hold the process: exit after `ms` unless it has ended by itself (the timer does not keep it alive).
 */
export function exitIfStillRunningAfter(ms: number): void {
  setTimeout(() => process.exit(process.exitCode ?? 0), ms).unref();
}
